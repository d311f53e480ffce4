import { eventually } from '@kirim/testing';
import { Api, Party } from './support/api';
import { smsProviderApiKey, smsSimulatorUrl } from './support/config';
import { freshParty } from './support/parties';

/*
 * Receipts by SMS for users without the app (issue 8, docs/notifications.md): a user who signs out
 * of their last device is announced by identity as without the app; their receipts then also go out
 * through the SMS provider's API, here the stack's simulated provider (tools/sms-simulator), which
 * keeps what it was asked to send. notifications fetches the number from identity when it sends and
 * keeps none. A user with the app gets no SMS.
 */

interface OutboundSms {
  readonly to: string;
  readonly text: string;
  readonly reference?: string;
}

async function smsSentTo(phone: string): Promise<OutboundSms[]> {
  const response = await fetch(`${smsSimulatorUrl()}/v1/outbound-messages?to=${encodeURIComponent(phone)}`, { headers: { authorization: `Bearer ${smsProviderApiKey()}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: OutboundSms[] }).items;
}

describe('SMS receipts for users without the app (e2e, running stack)', () => {
  const api = new Api();
  let payer: Party;
  let payee: Party;

  beforeAll(async () => {
    payer = await freshParty(api, 'sms payer', 'SBXA', '500.00');
    payee = await freshParty(api, 'sms payee', 'SBXB', '0.00');
  });

  it('texts the receipt to a user who signed out of the app, once, and texts nobody who has it', async () => {
    const signedOut = await api.request('POST', '/v1/me/sign-out', { token: payee.accessToken });
    expect(signedOut.status).toBe(204);
    // Signed out for real: the token no longer works.
    expect((await api.request('GET', '/v1/me', { token: payee.accessToken })).status).toBe(401);

    // The sign-out travels on identity.events.v1 and the payment on payments.events.v1, read
    // independently: a payment in the same instant may be told before the sign-out is known. So pay
    // until one payment's receipt is texted (the first, nearly always).
    let texted: OutboundSms | undefined;
    let txnId = '';
    for (let attempt = 1; attempt <= 5 && texted === undefined; attempt += 1) {
      const accepted = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '12.00' });
      expect((await api.waitUntilFinal(payer, accepted.paymentId)).status).toBe('completed');
      txnId = accepted.txnId;
      try {
        await eventually(async () => expect((await smsSentTo(payee.phone)).some((sms) => sms.text.includes(accepted.txnId))).toBe(true), { timeoutMs: 5_000 });
        texted = (await smsSentTo(payee.phone)).find((sms) => sms.text.includes(accepted.txnId));
      } catch {
        // Told before the sign-out was known: pay again.
      }
    }

    if (texted === undefined) throw new Error('no payment of five was texted to the signed-out payee');
    expect(texted.text).toContain('Payment received');
    expect(texted.text).toContain('₹12.00');
    expect(texted.text.length).toBeLessThanOrEqual(480);
    // Once: the provider was asked once per receipt (a retry would carry the same reference).
    expect((await smsSentTo(payee.phone)).filter((sms) => sms.text.includes(txnId))).toHaveLength(1);
    // The payer has the app: no SMS.
    expect(await smsSentTo(payer.phone)).toEqual([]);
  });
});
