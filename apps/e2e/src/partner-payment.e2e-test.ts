import { RESULT_CODES } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, Party, toMinor } from './support/api';
import { EXAMPLE_PARTNER_BANK, ExamplePartner, freshPartnerParty } from './support/example-partner';
import { freshParty, notificationsFor } from './support/parties';

/**
 * Payments across kirim's sandbox banks and the example partner bank, a separate process with its
 * own ledger that kirim reaches only over the bank's own topics (signed requests, the account
 * encrypted for it; signed answers checked against what was asked).
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

    const accepted = await api.payAccepted(atPartner, { payeePhone: atSandbox.phone, amount: '100000.00' });
    const payment = await api.waitUntilFinal(atPartner, accepted.paymentId);

    expect(payment).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.INSUFFICIENT_FUNDS });
    expect(payment.rrn).toBeUndefined();
    expect(await bank.balanceOf(atPartner)).toBe(payerBefore);
    expect(await api.balanceOf(atSandbox)).toBe(payeeBefore);
    await eventually(async () => expect((await notificationsFor(api, atPartner, accepted.paymentId)).map((n) => n.kind)).toEqual(['payment.failed']));
  });
});
