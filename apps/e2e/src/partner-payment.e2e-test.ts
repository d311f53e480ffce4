import { RESULT_CODES } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, Party, toMinor } from './support/api';
import { EXAMPLE_PARTNER_BANK, ExamplePartner, freshPartnerParty } from './support/example-partner';
import { freshParty, notificationsFor } from './support/parties';

/**
 * Payments across kirim's sandbox banks and the example partner bank, a separate process with its
 * own ledger that kirim reaches only over the bank's own topics (signed requests, the account
 * encrypted for it; signed answers checked against what was asked). The partner checks the payer's
 * UPI PIN itself, with its own key: kirim passes the PIN block through unopened (docs/upi-pin.md).
 */
describe('paying across a partner bank (e2e, running stack)', () => {
  const api = new Api();
  const bank = new ExamplePartner();
  let atSandbox: Party;
  let atPartner: Party;

  beforeAll(async () => {
    atSandbox = await freshParty(api, 'sandbox side', 'SBXA', '2000.00');
    atPartner = await freshPartnerParty(api, bank, 'partner side', '300.00');
  });

  async function ledgerTotal(): Promise<string | undefined> {
    return (await api.ledgerSummary()).totalMinorUnitsByCurrency.INR;
  }

  it('links an account held at the partner bank, found by a lookup on its topic', async () => {
    expect(atPartner).toMatchObject({ bankCode: EXAMPLE_PARTNER_BANK, maskedAccountNumber: expect.stringMatching(/^X+\d{4}$/) });
  });

  it('pays from a sandbox bank into the partner bank: debited at the sandbox, credited at the partner, exactly once', async () => {
    const [payerBefore, payeeBefore] = [await api.balanceOf(atSandbox), await bank.balanceOf(atPartner)];

    const accepted = await api.payAccepted(atSandbox, { payeePhone: atPartner.phone, amount: '250.00' });
    const payment = await api.waitUntilFinal(atSandbox, accepted.paymentId);

    expect(payment).toMatchObject({ status: 'completed', resultCode: RESULT_CODES.SUCCESS, rrn: expect.stringMatching(/^\d{12}$/) });
    expect(await api.balanceOf(atSandbox)).toBe(payerBefore - toMinor('250.00'));
    expect(await bank.balanceOf(atPartner)).toBe(payeeBefore + toMinor('250.00'));
    expect(await ledgerTotal()).toBe('0');
    await eventually(async () => expect((await notificationsFor(api, atPartner, accepted.paymentId)).map((n) => n.kind)).toEqual(['payment.received']));
  });

  it('pays from the partner bank into a sandbox bank: debited at the partner, credited at the sandbox', async () => {
    const [payerBefore, payeeBefore] = [await bank.balanceOf(atPartner), await api.balanceOf(atSandbox)];

    const accepted = await api.payAccepted(atPartner, { payeePhone: atSandbox.phone, amount: '120.50' });
    const payment = await api.waitUntilFinal(atPartner, accepted.paymentId);

    expect(payment).toMatchObject({ status: 'completed', rrn: expect.stringMatching(/^\d{12}$/) });
    expect(await bank.balanceOf(atPartner)).toBe(payerBefore - toMinor('120.50'));
    expect(await api.balanceOf(atSandbox)).toBe(payeeBefore + toMinor('120.50'));
    expect(await ledgerTotal()).toBe('0');
    await eventually(async () => expect((await notificationsFor(api, atPartner, accepted.paymentId)).map((n) => n.kind)).toEqual(['payment.sent']));
  });

  it('ends a payment the partner declines with Z9 as debit_failed, moving no money anywhere', async () => {
    const [payerBefore, payeeBefore] = [await bank.balanceOf(atPartner), await api.balanceOf(atSandbox)];

    // More than the partner account holds (₹179.50 left), well inside the payer limits.
    const accepted = await api.payAccepted(atPartner, { payeePhone: atSandbox.phone, amount: '1000.00' });
    const payment = await api.waitUntilFinal(atPartner, accepted.paymentId);

    expect(payment).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.INSUFFICIENT_FUNDS });
    expect(payment.rrn).toBeUndefined();
    expect(await bank.balanceOf(atPartner)).toBe(payerBefore);
    expect(await api.balanceOf(atSandbox)).toBe(payeeBefore);
    await eventually(async () => expect((await notificationsFor(api, atPartner, accepted.paymentId)).map((n) => n.kind)).toEqual(['payment.failed']));
  });

  it('declines a wrong UPI PIN at the partner with ZM, and after three wrong PINs even the right one with Z6 until the bank resets it', async () => {
    const payer = await freshPartnerParty(api, bank, 'partner pin payer', '500.00');
    const [payerBefore, payeeBefore] = [await bank.balanceOf(payer), await api.balanceOf(atSandbox)];
    const pay = async (request: { amount: string; pin?: string }): Promise<{ status: string; resultCode?: string; rrn?: string }> =>
      api.waitUntilFinal(payer, (await api.payAccepted(payer, { payeePhone: atSandbox.phone, ...request })).paymentId);

    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await pay({ amount: '10.00', pin: '0000' })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.WRONG_PIN });
    }
    const locked = await pay({ amount: '10.00' });
    expect(locked).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED });
    expect(locked.rrn).toBeUndefined();
    expect(await bank.balanceOf(payer)).toBe(payerBefore);
    expect(await api.balanceOf(atSandbox)).toBe(payeeBefore);

    // The bank's reset: no PIN at all (U11) until the customer sets one again, in the bank's channel.
    expect((await bank.resetUpiPin(payer.accountRef)).status).toBe(204);
    expect(await pay({ amount: '10.00' })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_NOT_SET });
    expect((await bank.setUpiPin(payer.accountRef, await api.pinKeys.setPin(EXAMPLE_PARTNER_BANK, '913579'))).body).toEqual({ change: 'set' });
    expect(await pay({ amount: '10.00', pin: '913579' })).toMatchObject({ status: 'completed', resultCode: RESULT_CODES.SUCCESS });
    expect(await bank.balanceOf(payer)).toBe(payerBefore - toMinor('10.00'));
    expect(await ledgerTotal()).toBe('0');
  });

  it('declines at the partner a PIN block for another amount (U12) or replayed on another payment (U14), moving no money', async () => {
    const payer = await freshPartnerParty(api, bank, 'partner pin binding', '500.00');
    const before = await bank.balanceOf(payer);
    const pay = async (amount: string, encryptedPin: string): Promise<{ status: string; resultCode?: string }> =>
      api.waitUntilFinal(payer, (await api.payAccepted(payer, { payeePhone: atSandbox.phone, amount, encryptedPin })).paymentId);

    expect(await pay('400.00', await api.pinKeys.pay(EXAMPLE_PARTNER_BANK, payer.pin as string, '1.00'))).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_AMOUNT_MISMATCH });
    const captured = await api.pinKeys.pay(EXAMPLE_PARTNER_BANK, payer.pin as string, '25.00');
    expect(await pay('25.00', captured)).toMatchObject({ status: 'completed' });
    expect(await pay('25.00', captured)).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
    expect(await bank.balanceOf(payer)).toBe(before - toMinor('25.00'));
  });
});
