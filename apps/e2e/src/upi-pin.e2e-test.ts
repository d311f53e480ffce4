import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { Api, expectStatus, Party, Problem, toMinor } from './support/api';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';
import { nowSeconds } from './support/upi-pin';

/**
 * The UPI PIN on every payment (docs/upi-pin.md), as a client sees it: the device fetches the bank's
 * PIN key from the edge, encrypts the PIN bound to the payment, and only the payer's bank opens and
 * checks it. Wrong PIN ZM, three wrong then Z6 until the operator resets it, set and change through
 * identity, and a PIN block for another amount or another payment declined.
 */
describe('the UPI PIN (e2e, running stack)', () => {
  const api = new Api();
  let asha: Party;
  let bala: Party;

  beforeEach(async () => {
    asha = await freshParty(api, 'pin payer', 'SBXA', '10000.00');
    bala = await freshParty(api, 'pin payee', 'SBXB', '100.00');
  });

  async function payAndWait(payer: Party, request: { amount: string; pin?: string; encryptedPin?: string }): Promise<{ status: string; resultCode?: string }> {
    const accepted = expectStatus<{ paymentId: string }>(await api.pay(payer, { payeePhone: bala.phone, ...request }), 202).body;
    return api.waitUntilFinal(payer, accepted.paymentId);
  }

  it('publishes every bank with a public PIN key at GET /v1/banks, and never a private one', async () => {
    const banks = await api.pinKeys.banks();
    expect(banks.map((bank) => bank.bankCode)).toEqual(expect.arrayContaining(['SBXA', 'SBXB', 'XMPL']));
    for (const bank of banks) {
      expect(bank.pinKey).toMatchObject({ kid: expect.any(String), alg: 'ECDH-ES', use: 'enc' });
      expect(bank.pinKey).not.toHaveProperty('d');
    }
  });

  it('pays with the right PIN', async () => {
    const before = await api.balanceOf(asha);
    expect(await payAndWait(asha, { amount: '250.00' })).toMatchObject({ status: 'completed' });
    expect(await api.balanceOf(asha)).toBe(before - toMinor('250.00'));
  });

  it('declines a wrong PIN with ZM, and after three wrong PINs declines even the right one with Z6 until the operator resets it', async () => {
    const before = await api.balanceOf(asha);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await payAndWait(asha, { amount: '10.00', pin: '0000' })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.WRONG_PIN });
    }
    expect(await payAndWait(asha, { amount: '10.00' })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED });
    expect(await api.balanceOf(asha)).toBe(before);

    // A locked PIN cannot be changed with the current PIN either.
    const change = await api.setUpiPin(asha, asha.linkedAccountId as string, await api.pinKeys.changePin('SBXA', asha.pin as string, '4444'));
    expect(change.status).toBe(422);
    expect(change.body).toMatchObject({ code: PROBLEM_CODES.UPI_PIN_REJECTED, resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED });

    expect((await api.resetSandboxPin(asha.accountRef)).status).toBe(204);
    // Reset: no PIN at all until one is set again.
    expect(await payAndWait(asha, { amount: '10.00' })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_NOT_SET });
    expectStatus(await api.setUpiPin(asha, asha.linkedAccountId as string, await api.pinKeys.setPin('SBXA', '9090')), 200);
    expect(await payAndWait(asha, { amount: '10.00', pin: '9090' })).toMatchObject({ status: 'completed' });
  });

  it('sets a PIN once, changes it only with the current one, and pays with the new one', async () => {
    const linkedAccountId = asha.linkedAccountId as string;
    // Already set by the party set-up: a second "set" is refused; the bank decides, not the client.
    const secondSet = await api.setUpiPin(asha, linkedAccountId, await api.pinKeys.setPin('SBXA', '1111'));
    expect(secondSet.status).toBe(422);
    expect(secondSet.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    expect(secondSet.body).toMatchObject({ code: PROBLEM_CODES.UPI_PIN_REJECTED, resultCode: RESULT_CODES.PIN_BLOCK_INVALID });

    const wrongCurrent = await api.setUpiPin(asha, linkedAccountId, await api.pinKeys.changePin('SBXA', '0000', '123456'));
    expect(wrongCurrent.body).toMatchObject({ code: PROBLEM_CODES.UPI_PIN_REJECTED, resultCode: RESULT_CODES.WRONG_PIN });

    expect((await api.setUpiPin(asha, linkedAccountId, await api.pinKeys.changePin('SBXA', asha.pin as string, '123456'))).body).toEqual({ change: 'changed' });
    expect(await payAndWait(asha, { amount: '20.00' })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.WRONG_PIN });
    expect(await payAndWait(asha, { amount: '20.00', pin: '123456' })).toMatchObject({ status: 'completed' });
  });

  it("refuses a PIN change on another user's linked account as not found", async () => {
    const result = await api.setUpiPin(bala, asha.linkedAccountId as string, await api.pinKeys.changePin('SBXA', asha.pin as string, '7777'));
    expect(result.status).toBe(404);
    expect((result.body as Problem).code).toBe(PROBLEM_CODES.ACCOUNT_NOT_FOUND);
  });

  it('refuses a payment request without encryptedPin, or with one that is not a compact JWE, with 400', async () => {
    for (const encryptedPin of [null, 'not-a-jwe', `${'a'.repeat(3000)}..b.c.d`]) {
      const result = await api.pay(asha, { payeePhone: bala.phone, amount: '5.00', encryptedPin });
      expect(result.status).toBe(400);
      expect(result.contentType).toMatch(PROBLEM_CONTENT_TYPE);
      expect((result.body as Problem).code).toBe(PROBLEM_CODES.VALIDATION_FAILED);
      expect(result.text).not.toContain('a'.repeat(100));
    }
  });

  it('declines a PIN encrypted for another amount (U12), for another bank (U14), or replayed on another payment (U14), and moves no money', async () => {
    const before = await api.balanceOf(asha);
    const forOneRupee = await api.pinKeys.pay('SBXA', asha.pin as string, '1.00');
    expect(await payAndWait(asha, { amount: '900.00', encryptedPin: forOneRupee })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_AMOUNT_MISMATCH });

    const forOtherBank = await api.pinKeys.pay('SBXB', asha.pin as string, '30.00');
    expect(await payAndWait(asha, { amount: '30.00', encryptedPin: forOtherBank })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });

    const stale = await api.pinKeys.pay('SBXA', asha.pin as string, '30.00', nowSeconds() - 3600);
    expect(await payAndWait(asha, { amount: '30.00', encryptedPin: stale })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });

    const captured = await api.pinKeys.pay('SBXA', asha.pin as string, '40.00');
    expect(await payAndWait(asha, { amount: '40.00', encryptedPin: captured })).toMatchObject({ status: 'completed' });
    expect(await payAndWait(asha, { amount: '40.00', encryptedPin: captured })).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });

    expect(await api.balanceOf(asha)).toBe(before - toMinor('40.00'));
  });

  it('answers a retry with a freshly encrypted PIN and the same Idempotency-Key with the same payment', async () => {
    const first = await api.pay(asha, { payeePhone: bala.phone, amount: '15.00', idempotencyKey: `pin-retry-${asha.userId}` });
    const retry = await api.pay(asha, { payeePhone: bala.phone, amount: '15.00', idempotencyKey: `pin-retry-${asha.userId}` });
    expect([first.status, retry.status]).toEqual([202, 200]);
    expect((retry.body as { paymentId: string }).paymentId).toBe((first.body as { paymentId: string }).paymentId);
  });
});
