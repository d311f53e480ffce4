import { randomUUID } from 'node:crypto';
import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { uniquePhone } from '@kirim/testing';
import { Api, HttpResult, Party, PaymentAccepted, Problem, toMinor } from './support/api';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';

/**
 * The scheme profile's payer limits as a client meets them: the stack runs the UPI profile
 * (₹1,00,000 a payment; ₹1,00,000 and 20 payments per payer per rolling 24 h). A refusal is a 422
 * problem+json with the UPI result code, moves no money and records nothing under its key.
 * Every party here binds a device, so it is in the ₹5,000 cooling period after the binding (FL/FP,
 * done-when.e2e-test.ts): amounts stay under it, except where a test needs more and says so.
 */
describe('payer limits of the UPI scheme profile (e2e, running stack)', () => {
  const api = new Api();

  function expectLimitProblem(result: HttpResult, code: string, resultCode: string): Problem {
    expect({ status: result.status, contentType: result.contentType }).toEqual({ status: 422, contentType: expect.stringMatching(PROBLEM_CONTENT_TYPE) });
    expect(result.body).toMatchObject({ status: 422, code, resultCode, detail: expect.any(String) });
    return result.body as Problem;
  }

  it('refuses a payment above ₹1,00,000 with Z8, and the same key then works for an amount within it', async () => {
    const payer = await freshParty(api, 'cap payer', 'SBXA', '200000.00');
    const payee = await freshParty(api, 'cap payee', 'SBXB', '0.00');
    const idempotencyKey = randomUUID();

    const refused = await api.pay(payer, { payeePhone: payee.phone, amount: '100000.01', idempotencyKey });
    const problem = expectLimitProblem(refused, PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, RESULT_CODES.PER_TRANSACTION_LIMIT);
    expect(problem.detail).toContain('100000.00 INR');

    const accepted = await api.pay(payer, { payeePhone: payee.phone, amount: '100.00', idempotencyKey });
    expect(accepted.status).toBe(202);
    expect((await api.waitUntilFinal(payer, (accepted.body as PaymentAccepted).paymentId)).status).toBe('completed');
    expect(await api.balanceOf(payer)).toBe(toMinor('199900.00'));
  });

  it('25 concurrent payments by one payer: exactly 20 are accepted, 5 refused with Z7; a retry of an accepted one is still answered', async () => {
    const payer = await freshParty(api, 'count payer', 'SBXA', '100.00');
    const payee = await freshParty(api, 'count payee', 'SBXB', '0.00');
    const requests = Array.from({ length: 25 }, () => ({ payeePhone: payee.phone, amount: '1.00', idempotencyKey: randomUUID() }));

    // A 429 from the payer's payee-lookup bucket (a few lookups in flight at most) is sent again after Retry-After.
    const results = await Promise.all(requests.map((request) => api.payHonouringRetryAfter(payer, request)));

    const accepted = results.filter((result) => result.status === 202);
    const refused = results.filter((result) => result.status !== 202);
    expect(accepted).toHaveLength(20);
    expect(refused).toHaveLength(5);
    for (const result of refused) expectLimitProblem(result, PROBLEM_CODES.DAILY_COUNT_LIMIT, RESULT_CODES.FREQUENCY_LIMIT);
    expect((refused[0].body as Problem).detail).toMatch(/20 payments in the last 24 hours.*fits the limit from \d{4}-\d\d-\d\dT/);

    // An idempotent retry of an accepted payment is neither refused nor counted.
    const acceptedIndex = results.findIndex((result) => result.status === 202);
    const retry = await api.pay(payer, requests[acceptedIndex]);
    expect(retry.status).toBe(200);
    expect((retry.body as PaymentAccepted).paymentId).toBe((results[acceptedIndex].body as PaymentAccepted).paymentId);
    // The 21st, asked for afresh, is still refused.
    expectLimitProblem(await api.pay(payer, { payeePhone: payee.phone, amount: '1.00' }), PROBLEM_CODES.DAILY_COUNT_LIMIT, RESULT_CODES.FREQUENCY_LIMIT);

    for (const result of accepted) expect((await api.waitUntilFinal(payer, (result.body as PaymentAccepted).paymentId)).status).toBe('completed');
    expect(await api.balanceOf(payer)).toBe(toMinor('80.00'));
    expect(await api.balanceOf(payee)).toBe(toMinor('20.00'));
  });

  it('refuses a payment that takes the 24-hour total over ₹1,00,000 with Z8, and accepts one that reaches it exactly', async () => {
    // A device bound seconds ago may send ₹5,000 in all, so only a user without a device binding can
    // reach the rolling amount: a sandbox-login session (local development only; scripts/stack.sh
    // runs identity with IDENTITY_SANDBOX_LOGIN=true), which no cooling period applies to.
    const payer = await api.registerWithAccount({ phone: uniquePhone(), displayName: `e2e amount payer ${randomUUID().slice(0, 8)}`, bankCode: 'SBXA', openingBalance: '150000.00', sandboxLogin: true });
    const payee = await freshParty(api, 'amount payee', 'SBXB', '0.00');
    const first = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '60000.00' });

    const over = await api.pay(payer, { payeePhone: payee.phone, amount: '40000.01' });
    const problem = expectLimitProblem(over, PROBLEM_CODES.DAILY_AMOUNT_LIMIT, RESULT_CODES.PER_TRANSACTION_LIMIT);
    expect(problem.detail).toContain('100000.01 INR');

    const exact = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '40000.00' });
    for (const payment of [first, exact]) expect((await api.waitUntilFinal(payer, payment.paymentId)).status).toBe('completed');
    expectLimitProblem(await api.pay(payer, { payeePhone: payee.phone, amount: '0.01' }), PROBLEM_CODES.DAILY_AMOUNT_LIMIT, RESULT_CODES.PER_TRANSACTION_LIMIT);
    expect(await api.balanceOf(payer)).toBe(toMinor('50000.00'));
  });

  it('a declined debit does not use up the limit: the payer can pay again at once', async () => {
    const payer: Party = await freshParty(api, 'declined payer', 'SBXA', '10.00');
    const payee = await freshParty(api, 'declined payee', 'SBXB', '0.00');
    // The whole ₹5,000 of the cooling period, which the payer does not have: accepted, then declined by the bank with Z9.
    const declined = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '5000.00' });
    expect(await api.waitUntilFinal(payer, declined.paymentId)).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.INSUFFICIENT_FUNDS });

    // Had the declined one counted, this would pass the cooling cap (FP).
    const next = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '5.00' });
    expect((await api.waitUntilFinal(payer, next.paymentId)).status).toBe('completed');
  });
});
