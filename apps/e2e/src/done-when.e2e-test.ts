import { randomUUID } from 'node:crypto';
import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { eventually, uniquePhone } from '@kirim/testing';
import { Api, BankCode, DeviceBindingStarted, DeviceSession, expectStatus, HttpResult, LinkedAccount, Party, PaymentAccepted, Problem, SessionTokens, toMinor } from './support/api';
import { newDevice } from './support/device';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';

/*
 * Issue 6's "Done when", first bullet, as an outside client lives it through the edge: two users
 * bind their devices through the SMS webhook flow, link their bank accounts, set UPI PINs, find each
 * other by phone and by address (the bank-registered name, masked) and pay each other with the PIN;
 * then the refusals: a wrong PIN (ZM) and too many (Z6), a new device revoking the old one, the
 * rolling count (Z7) and amount (Z8), the new-device cooling period (FL/FP), and concurrent payments
 * that must not jointly pass a limit.
 */

interface ResolvedPayee {
  readonly address: string | null;
  readonly name: string | null;
  readonly bankName: string | null;
}

interface PaymentAddressView {
  readonly address: string;
  readonly isPrimary: boolean;
}

const api = new Api();

/** How docs/payment-addresses.md masks a bank-registered name: the first word whole, the others by their initial. */
const maskedName = (name: string): string =>
  name
    .split(/\s+/)
    .map((word, index) => (index === 0 ? word : `${word[0]}${'*'.repeat(word.length - 1)}`))
    .join(' ');

function expectProblem(result: HttpResult, status: number, code: string, resultCode?: string): Problem {
  expect({ status: result.status, contentType: result.contentType }).toEqual({ status, contentType: expect.stringMatching(PROBLEM_CONTENT_TYPE) });
  expect(result.body).toMatchObject({ status, code, ...(resultCode !== undefined ? { resultCode } : {}) });
  return result.body as Problem;
}

async function finalStatus(payer: Party, paymentId: string): Promise<{ status: string; resultCode?: string }> {
  const payment = await api.waitUntilFinal(payer, paymentId);
  return { status: payment.status, ...(payment.resultCode !== undefined ? { resultCode: payment.resultCode } : {}) };
}

/**
 * Fires all the payments at once and sorts the answers: accepted ones finish before this returns. A
 * 429 from the payer's payee-lookup bucket (only a few lookups may be in flight per payer) is retried
 * after its Retry-After with the same key, as a client would; every payment still races the others.
 */
async function payConcurrently(payer: Party, payee: Party, amounts: string[]): Promise<{ accepted: PaymentAccepted[]; refused: HttpResult[] }> {
  const results = await Promise.all(amounts.map((amount) => api.payHonouringRetryAfter(payer, { payeePhone: payee.phone, amount })));
  const accepted = results.filter((result) => result.status === 202).map((result) => result.body as PaymentAccepted);
  for (const payment of accepted) expect(await finalStatus(payer, payment.paymentId)).toMatchObject({ status: 'completed' });
  return { accepted, refused: results.filter((result) => result.status !== 202) };
}

describe('done when: two users bind, link, set PINs, find and pay each other; every limit holds', () => {
  describe('the story', () => {
    /** One new user, step by step as the app does it: bank account (the sandbox bank's own record), device binding by SMS, link, PIN. */
    async function newUser(bankCode: BankCode, holderName: string, pin: string): Promise<Party & DeviceSession> {
      const phone = uniquePhone();
      const opened = await api.openSandboxAccount({ bankCode, mobile: phone, holderName, openingBalance: '2000.00' });

      const device = await newDevice(phone);
      const started = expectStatus<DeviceBindingStarted>(await api.startDeviceBinding(device), 201).body;
      // The SIM sends the one-time token to the platform's number; the SMS provider's signed webhook confirms it.
      const sms = await api.sendSms(phone, started.smsTo, started.bindingToken);
      expect(sms).toMatchObject({ status: 'delivered', lastResponse: { status: 204 } });
      const tokens = expectStatus<SessionTokens>(await api.completeDeviceBinding(device, started.bindingId, holderName.split(' ')[0]), 200).body;
      expect(tokens.userCreated).toBe(true);
      const session: DeviceSession = { userId: tokens.userId, accessToken: tokens.accessToken, phone, bindingId: tokens.bindingId, refreshToken: tokens.refreshToken, device };

      const discoverable = await api.discoverableAccounts(session);
      expect(discoverable.map((account) => account.accountRef)).toContain(opened.accountRef);
      const linked: LinkedAccount = await api.linkAccount(session, opened.accountRef);
      expect(linked).toMatchObject({ bankCode, isPrimary: true, maskedAccountNumber: opened.maskedAccountNumber });
      expect(expectStatus(await api.setUpiPin(session, linked.linkedAccountId, await api.pinKeys.setPin(bankCode, pin)), 200).body).toEqual({ change: 'set' });
      return { ...session, displayName: holderName, bankCode, accountRef: linked.accountRef, maskedAccountNumber: linked.maskedAccountNumber, linkedAccountId: linked.linkedAccountId, pin };
    }

    it('bind by SMS, link, set PINs, resolve by phone and by address, pay with the PIN both ways', async () => {
      const asha = await newUser('SBXA', `Asha Kulkarni ${randomUUID().slice(0, 4)}`, '4821');
      const ravi = await newUser('SBXB', `Ravi Shankar ${randomUUID().slice(0, 4)}`, '937154');

      // Asha finds Ravi by phone: his bank-registered name, masked, his bank and his primary address; no account.
      const byPhone = expectStatus<ResolvedPayee>(await api.request('GET', `/v1/payees?phone=${encodeURIComponent(ravi.phone)}`, { token: asha.accessToken }), 200);
      const raviPrimary = expectStatus<PaymentAddressView[]>(await api.request('GET', '/v1/me/payment-addresses', { token: ravi.accessToken }), 200).body.find((address) => address.isPrimary);
      expect(byPhone.body).toEqual({ address: raviPrimary?.address, name: maskedName(ravi.displayName), bankName: 'Sandbox Bank B' });
      for (const secret of [ravi.displayName, ravi.accountRef, ravi.maskedAccountNumber, ravi.phone]) expect(byPhone.text).not.toContain(secret);

      // Ravi finds Asha by her address.
      const ashaPrimary = expectStatus<PaymentAddressView[]>(await api.request('GET', '/v1/me/payment-addresses', { token: asha.accessToken }), 200).body.find((address) => address.isPrimary);
      if (!ashaPrimary) throw new Error('Asha has no primary address');
      const byAddress = expectStatus<ResolvedPayee>(await api.request('GET', `/v1/payees?address=${encodeURIComponent(ashaPrimary.address)}`, { token: ravi.accessToken }), 200);
      expect(byAddress.body).toEqual({ address: ashaPrimary.address, name: maskedName(asha.displayName), bankName: 'Sandbox Bank A' });
      expect(byAddress.text).not.toContain(asha.accountRef);

      // Each pays the other with their own PIN, encrypted on the device for their own bank.
      const toRavi = await api.payAccepted(asha, { payeePhone: ravi.phone, amount: '250.00' });
      expect(toRavi.payee).toEqual({ userId: ravi.userId, displayName: expect.any(String) });
      const toAsha = await api.payAccepted(ravi, { payeeAddress: ashaPrimary.address, amount: '100.50' });
      expect(toAsha.payee.userId).toBe(asha.userId);
      expect(await finalStatus(asha, toRavi.paymentId)).toMatchObject({ status: 'completed' });
      expect(await finalStatus(ravi, toAsha.paymentId)).toMatchObject({ status: 'completed' });

      expect(await api.balanceOf(asha)).toBe(toMinor('1850.50'));
      expect(await api.balanceOf(ravi)).toBe(toMinor('2149.50'));
      // The payee sees the payment too.
      expect((await api.getPayment(ravi, toRavi.paymentId)).status).toBe('completed');
    });
  });

  describe('the PIN', () => {
    it('declines a wrong PIN with ZM, and once the tries are used up even the right one with Z6; no money moves', async () => {
      const payer = await freshParty(api, 'wrong pin', 'SBXA', '500.00');
      const payee = await freshParty(api, 'wrong pin payee', 'SBXB', '0.00');
      const wrong = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '10.00', pin: '0000' });
      expect(await finalStatus(payer, wrong.paymentId)).toEqual({ status: 'debit_failed', resultCode: RESULT_CODES.WRONG_PIN });

      const codes: string[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const next = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '10.00', pin: attempt < 2 ? '1111' : (payer.pin as string) });
        codes.push((await finalStatus(payer, next.paymentId)).resultCode ?? 'none');
      }
      // Three wrong tries in all (the sandbox bank's limit, docs/upi-pin.md): then the right PIN is refused too.
      expect(codes).toEqual([RESULT_CODES.WRONG_PIN, RESULT_CODES.WRONG_PIN, RESULT_CODES.PIN_TRIES_EXCEEDED, RESULT_CODES.PIN_TRIES_EXCEEDED]);
      expect(await api.balanceOf(payer)).toBe(toMinor('500.00'));
      expect(await api.balanceOf(payee)).toBe(0n);
    });
  });

  describe('a new device', () => {
    it("revokes the old device's refresh token at once and its access token everywhere within the stated bound", async () => {
      const user = await freshParty(api, 'two phones', 'SBXA', '100.00');
      const payee = await freshParty(api, 'two phones payee', 'SBXB', '0.00');
      const old = user as Party & DeviceSession;
      expect((await api.request('GET', '/v1/me/notifications', { token: old.accessToken })).status).toBe(200);

      const second = await api.bindDevice(user.phone);
      expect(second).toMatchObject({ userId: user.userId, userCreated: false });

      expectProblem(await api.refreshTokens(old), 401, 'refresh-token-invalid');
      expect((await api.me(old)).status).toBe(401);
      // payments and notifications learn of it from identity's revocation feed: about 2 s, at most 30 s (docs/device-binding.md).
      await eventually(
        async () => {
          expect((await api.request('GET', '/v1/me/notifications', { token: old.accessToken })).status).toBe(401);
          // A read, not a payment: within the bound a payment with the old token (and the PIN) could still pass.
          expect((await api.request('GET', `/v1/payments/${randomUUID()}`, { token: old.accessToken })).status).toBe(401);
        },
        { timeoutMs: 30_000 },
      );
      expectProblem(await api.pay(old, { payeePhone: payee.phone, amount: '1.00' }), 401, 'unauthenticated');
      expect(await api.balanceOf(user)).toBe(toMinor('100.00'));
      // The new device works everywhere.
      expect((await api.me(second)).status).toBe(200);
      expect((await api.request('GET', '/v1/me/notifications', { token: second.accessToken })).status).toBe(200);
    });
  });

  describe('limits (the UPI scheme profile, docs/limits-and-scheme-profiles.md)', () => {
    it('refuses the 21st payment in 24 h with Z7', async () => {
      const payer = await freshParty(api, 'count', 'SBXA', '100.00');
      const payee = await freshParty(api, 'count payee', 'SBXB', '0.00');
      for (let i = 0; i < 20; i += 1) await api.payAccepted(payer, { payeePhone: payee.phone, amount: '1.00' });

      expectProblem(await api.pay(payer, { payeePhone: payee.phone, amount: '1.00' }), 422, PROBLEM_CODES.DAILY_COUNT_LIMIT, RESULT_CODES.FREQUENCY_LIMIT);
      await eventually(async () => expect(await api.balanceOf(payee)).toBe(toMinor('20.00')));
    });

    it('refuses a payment taking the rolling 24-h total over ₹1,00,000 with Z8', async () => {
      // A device bound seconds ago is in its ₹5,000 cooling period, so the rolling amount limit can only
      // be reached by a user whose token carries no device binding: a sandbox-login session (local
      // development only; the local stack runs identity with IDENTITY_SANDBOX_LOGIN=true).
      const payer = await api.registerWithAccount({ phone: uniquePhone(), displayName: `e2e rolling ${randomUUID().slice(0, 8)}`, bankCode: 'SBXA', openingBalance: '150000.00', sandboxLogin: true });
      const payee = await freshParty(api, 'rolling payee', 'SBXB', '0.00');
      const first = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '70000.00' });

      const problem = expectProblem(await api.pay(payer, { payeePhone: payee.phone, amount: '30000.01' }), 422, PROBLEM_CODES.DAILY_AMOUNT_LIMIT, RESULT_CODES.PER_TRANSACTION_LIMIT);
      expect(problem.detail).toMatch(/fits the limit from \d{4}-\d\d-\d\dT/);
      const exact = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '30000.00' });
      for (const payment of [first, exact]) expect(await finalStatus(payer, payment.paymentId)).toMatchObject({ status: 'completed' });
      expect(await api.balanceOf(payer)).toBe(toMinor('50000.00'));
    });

    it('refuses one payment above ₹5,000 in the first 24 h after binding with FL, and a total above it with FP', async () => {
      const payer = await freshParty(api, 'cooling', 'SBXA', '20000.00');
      const payee = await freshParty(api, 'cooling payee', 'SBXB', '0.00');

      expectProblem(await api.pay(payer, { payeePhone: payee.phone, amount: '5000.01' }), 422, PROBLEM_CODES.NEW_DEVICE_LIMIT, RESULT_CODES.COOLING_PERIOD_FIRST_PAYMENT_LIMIT);
      const first = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '3000.00' });
      expectProblem(await api.pay(payer, { payeePhone: payee.phone, amount: '2000.01' }), 422, PROBLEM_CODES.NEW_DEVICE_LIMIT, RESULT_CODES.COOLING_PERIOD_AMOUNT_LIMIT);
      const rest = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '2000.00' });
      for (const payment of [first, rest]) expect(await finalStatus(payer, payment.paymentId)).toMatchObject({ status: 'completed' });
      expectProblem(await api.pay(payer, { payeePhone: payee.phone, amount: '0.01' }), 422, PROBLEM_CODES.NEW_DEVICE_LIMIT, RESULT_CODES.COOLING_PERIOD_AMOUNT_LIMIT);
      expect(await api.balanceOf(payer)).toBe(toMinor('15000.00'));
    });
  });

  describe('concurrent payments by one payer do not jointly pass a limit', () => {
    it('cooling period: 10 × ₹600 at once, exactly 8 accepted (₹4,800), 2 refused FP', async () => {
      const payer = await freshParty(api, 'concurrent cooling', 'SBXA', '10000.00');
      const payee = await freshParty(api, 'concurrent cooling payee', 'SBXB', '0.00');
      const { accepted, refused } = await payConcurrently(payer, payee, Array.from({ length: 10 }, () => '600.00'));
      expect([accepted.length, refused.length]).toEqual([8, 2]);
      for (const result of refused) expectProblem(result, 422, PROBLEM_CODES.NEW_DEVICE_LIMIT, RESULT_CODES.COOLING_PERIOD_AMOUNT_LIMIT);
      expect(await api.balanceOf(payer)).toBe(toMinor('5200.00'));
      expect(await api.balanceOf(payee)).toBe(toMinor('4800.00'));
    });

    it('rolling count: 24 × ₹1 at once, exactly 20 accepted, 4 refused Z7', async () => {
      const payer = await freshParty(api, 'concurrent count', 'SBXA', '100.00');
      const payee = await freshParty(api, 'concurrent count payee', 'SBXB', '0.00');
      const { accepted, refused } = await payConcurrently(payer, payee, Array.from({ length: 24 }, () => '1.00'));
      expect([accepted.length, refused.length]).toEqual([20, 4]);
      for (const result of refused) expectProblem(result, 422, PROBLEM_CODES.DAILY_COUNT_LIMIT, RESULT_CODES.FREQUENCY_LIMIT);
      expect(await api.balanceOf(payer)).toBe(toMinor('80.00'));
    });

    it('rolling amount: 10 × ₹15,000 at once (sandbox-login payer, see above), exactly 6 accepted (₹90,000), 4 refused Z8', async () => {
      const payer = await api.registerWithAccount({ phone: uniquePhone(), displayName: `e2e concurrent amount ${randomUUID().slice(0, 8)}`, bankCode: 'SBXA', openingBalance: '200000.00', sandboxLogin: true });
      const payee = await freshParty(api, 'concurrent amount payee', 'SBXB', '0.00');
      const { accepted, refused } = await payConcurrently(payer, payee, Array.from({ length: 10 }, () => '15000.00'));
      expect([accepted.length, refused.length]).toEqual([6, 4]);
      for (const result of refused) expectProblem(result, 422, PROBLEM_CODES.DAILY_AMOUNT_LIMIT, RESULT_CODES.PER_TRANSACTION_LIMIT);
      expect(await api.balanceOf(payer)).toBe(toMinor('110000.00'));
      expect(await api.balanceOf(payee)).toBe(toMinor('90000.00'));
    });
  });
});
