import { Logger } from '@nestjs/common';
import { BankLegResult, EVENT_TYPES, PaymentStatus } from '@kirim/contracts';
import { MessageRefusedError } from '@kirim/messaging';
import {
  FakeTransactionScope,
  FixedClock,
  InMemoryPaymentRepository,
  SAMPLE_PAYEE_ACCOUNT,
  SAMPLE_PAYER_ACCOUNT,
  SAMPLE_PAYMENT_ID,
  samplePayment,
  SequentialIds,
  transitionStep,
  UPI_PROFILE,
} from '../../testing/payment-fakes';
import { alertCount } from '@kirim/platform';
import { firstCheckDelayMs } from '../leg-timer';
import { Payment } from '../payment';
import { ApplyBankLegResultUseCase, BankLeg, BankLegOutcome, UnknownPaymentError } from './apply-bank-leg-result.use-case';

const PAYMENT_ID = SAMPLE_PAYMENT_ID;
const DEBIT_ID = '11111111-1111-4111-8111-111111111111';
const CREDIT_ID = '22222222-2222-4222-8222-222222222222';
const REVERSAL_ID = '33333333-3333-4333-8333-333333333333';
const PAYER = SAMPLE_PAYER_ACCOUNT;
const PAYEE = SAMPLE_PAYEE_ACCOUNT;

function payment(status: PaymentStatus, legs: Partial<Payment>): Payment {
  return samplePayment(status, legs);
}

/** The account each leg of the sample payment names: the payer's for the debit and the reversal. */
const ACCOUNT_OF_LEG: Record<string, { bankCode: string; accountRef: string }> = { [DEBIT_ID]: PAYER, [CREDIT_ID]: PAYEE, [REVERSAL_ID]: PAYER };

/** A bank's answer naming what it answers: by default exactly the leg its request id names. */
function result(requestId: string, overrides: Partial<BankLegResult> = {}): BankLegResult {
  return Object.assign(new BankLegResult(), {
    requestId,
    paymentId: PAYMENT_ID,
    purpose: requestId === REVERSAL_ID ? 'reversal' : 'payment',
    resultCode: '00',
    ...(ACCOUNT_OF_LEG[requestId] ?? PAYER),
    amount: { value: '500.00', currency: 'INR' },
    ...overrides,
  });
}

function setup(initial: Payment) {
  const payments = new InMemoryPaymentRepository();
  payments.rows.set(initial.id, initial);
  const ids = new SequentialIds();
  const useCase = new ApplyBankLegResultUseCase(payments, new FixedClock(), transitionStep(payments, { ids }));
  const tx = new FakeTransactionScope();
  const apply = (leg: BankLeg, outcome: BankLegOutcome, r: BankLegResult) => useCase.execute(tx, { leg, outcome, result: r });
  const stored = () => payments.rows.get(PAYMENT_ID) as Payment;
  return { payments, tx, apply, stored };
}

describe('ApplyBankLegResultUseCase', () => {
  beforeAll(() => Logger.overrideLogger(false));
  it('debit succeeded: stores the RRN and goes straight on to credit the payee', async () => {
    const { apply, stored, tx, payments } = setup(payment('debit_pending', { debitRequestId: DEBIT_ID }));
    const outcome = await apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012' }));

    expect(outcome).toEqual({ applied: true, status: 'credit_pending' });
    expect(payments.locks).toBe(1);
    expect(stored()).toMatchObject({ status: 'credit_pending', rrn: '123456789012', creditRequestId: '00000000-0000-4000-8000-000000000001' });
    expect(tx.published).toEqual([
      expect.objectContaining({
        type: EVENT_TYPES.BANK_CREDIT_REQUESTED,
        key: PAYMENT_ID,
        data: expect.objectContaining({ requestId: stored().creditRequestId, purpose: 'payment', ...PAYEE }),
      }),
    ]);
  });

  it('debit declined: debit_failed with the bank code, payment failed published', async () => {
    const { apply, stored, tx } = setup(payment('debit_pending', { debitRequestId: DEBIT_ID }));
    expect(await apply('debit', 'declined', result(DEBIT_ID, { resultCode: 'Z9' }))).toEqual({ applied: true, status: 'debit_failed' });
    expect(stored()).toMatchObject({ status: 'debit_failed', resultCode: 'Z9' });
    expect(tx.published.map((e) => e.type)).toEqual([EVENT_TYPES.PAYMENT_FAILED]);
  });

  it('credit succeeded: completed, payment completed published', async () => {
    const { apply, stored, tx } = setup(payment('credit_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, rrn: '123456789012' }));
    expect(await apply('credit', 'succeeded', result(CREDIT_ID))).toEqual({ applied: true, status: 'completed' });
    expect(stored()).toMatchObject({ status: 'completed', resultCode: '00' });
    expect(tx.published.map((e) => e.type)).toEqual([EVENT_TYPES.PAYMENT_COMPLETED]);
  });

  it("credit declined: reversal requested to the PAYER's account in the same transaction", async () => {
    const { apply, stored, tx } = setup(payment('credit_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID }));
    expect(await apply('credit', 'declined', result(CREDIT_ID, { resultCode: 'XI' }))).toEqual({ applied: true, status: 'reversal_pending' });
    expect(stored()).toMatchObject({ status: 'reversal_pending', resultCode: 'XI', reversalRequestId: '00000000-0000-4000-8000-000000000001' });
    expect(tx.published).toEqual([
      expect.objectContaining({
        type: EVENT_TYPES.BANK_CREDIT_REQUESTED,
        data: expect.objectContaining({ requestId: stored().reversalRequestId, purpose: 'reversal', ...PAYER }),
      }),
    ]);
  });

  it('reversal credited: reversed with U31, payment reversed published', async () => {
    const { apply, stored, tx } = setup(
      payment('reversal_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, reversalRequestId: REVERSAL_ID, resultCode: 'XI' }),
    );
    expect(await apply('credit', 'succeeded', result(REVERSAL_ID, { purpose: 'reversal' }))).toEqual({ applied: true, status: 'reversed' });
    expect(stored()).toMatchObject({ status: 'reversed', resultCode: 'U31' });
    expect(tx.published.map((e) => [e.type, (e.data as { resultCode?: string }).resultCode])).toEqual([[EVENT_TYPES.PAYMENT_REVERSED, 'U31']]);
  });

  it('a declined reversal: reversal_failed with the bank code, its retry set by the profile, nothing published', async () => {
    const initial = payment('reversal_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, reversalRequestId: REVERSAL_ID, reversalAttempts: 1 });
    const { apply, stored, tx } = setup(initial);
    expect(await apply('credit', 'declined', result(REVERSAL_ID, { purpose: 'reversal', resultCode: 'XH' }))).toEqual({ applied: true, status: 'reversal_failed' });
    // FixedClock 10:00:00; the first retry waits the profile's first backoff, 60 s.
    expect(stored()).toMatchObject({ status: 'reversal_failed', reversalFailure: 'declined', reversalResultCode: 'XH', legCheckAt: new Date('2026-11-28T10:01:00.000Z') });
    expect(tx.published).toEqual([]);
  });

  it('a debit made after the profile deemed it failed (U67) is reversed to the payer, with an alert', async () => {
    const deemed = payment('debit_failed', { debitRequestId: DEBIT_ID, resultCode: 'U67', deemedLeg: 'debit' });
    const { apply, stored, tx } = setup(deemed);
    const alertsBefore = await alertCount('late-answer-after-deemed-outcome');
    expect(await apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012' }))).toEqual({ applied: true, status: 'reversal_pending' });
    expect(stored()).toMatchObject({ status: 'reversal_pending', resultCode: 'U67', rrn: '123456789012', creditRequestId: null, reversalAttempts: 1 });
    expect(stored().reversalDueBy).toEqual(new Date('2026-11-29T18:30:00.000Z'));
    expect(tx.published).toEqual([
      expect.objectContaining({ type: EVENT_TYPES.BANK_CREDIT_REQUESTED, data: expect.objectContaining({ requestId: stored().reversalRequestId, purpose: 'reversal', ...PAYER }) }),
    ]);
    expect(await alertCount('late-answer-after-deemed-outcome')).toBe(alertsBefore + 1);
  });

  it('a duplicate answer (redelivery) changes nothing and publishes nothing', async () => {
    const { apply, stored, tx } = setup(payment('debit_pending', { debitRequestId: DEBIT_ID }));
    await apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012' }));
    const afterFirst = stored();
    const published = tx.published.length;

    expect(await apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012' }))).toEqual({ applied: false, reason: 'duplicate', status: 'credit_pending' });
    expect(stored()).toBe(afterFirst);
    expect(tx.published).toHaveLength(published);
  });

  it('an answer for a leg that is not the pending one is stale and ignored', async () => {
    const initial = payment('debit_pending', { debitRequestId: DEBIT_ID });
    const { apply, stored, tx } = setup(initial);
    expect(await apply('debit', 'declined', result('99999999-9999-4999-8999-999999999999', { resultCode: 'Z9' }))).toMatchObject({
      applied: false,
      reason: 'stale-request',
    });
    expect(stored()).toBe(initial);
    expect(tx.published).toEqual([]);
  });

  describe('leg timer', () => {
    // FixedClock: 10:00:00; a new leg's first status check comes 45 to 90 s later (UPI profile).
    const RUNNING = { legCheckAt: new Date('2026-11-28T10:00:05.000Z'), legChecks: 2 };
    const freshTimerOf = (requestId: string | null) => ({
      legCheckAt: new Date(new Date('2026-11-28T10:00:00.000Z').getTime() + firstCheckDelayMs(requestId ?? '', UPI_PROFILE.statusChecks)),
      legChecks: 0,
    });

    it('the credit leg gets a fresh timer when the debit is answered (checks of the debit do not count)', async () => {
      const { apply, stored } = setup(payment('debit_pending', { debitRequestId: DEBIT_ID, ...RUNNING }));
      await apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012' }));
      expect(stored()).toMatchObject({ status: 'credit_pending', ...freshTimerOf(stored().creditRequestId) });
    });

    it('the reversal leg gets a fresh timer when the credit is declined', async () => {
      const { apply, stored } = setup(payment('credit_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, ...RUNNING }));
      await apply('credit', 'declined', result(CREDIT_ID, { resultCode: 'XI' }));
      expect(stored()).toMatchObject({ status: 'reversal_pending', ...freshTimerOf(stored().reversalRequestId) });
    });

    it.each([
      ['debit declined', 'debit_pending', 'debit', 'declined', DEBIT_ID, 'payment', 'debit_failed'],
      ['credit succeeded', 'credit_pending', 'credit', 'succeeded', CREDIT_ID, 'payment', 'completed'],
      ['reversal credited', 'reversal_pending', 'credit', 'succeeded', REVERSAL_ID, 'reversal', 'reversed'],
    ] as const)('%s: a final state stops the timer', async (_name, from, leg, outcome, requestId, purpose, to) => {
      const { apply, stored } = setup(payment(from, { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, reversalRequestId: REVERSAL_ID, ...RUNNING }));
      expect(await apply(leg, outcome, result(requestId, { purpose, resultCode: outcome === 'declined' ? 'Z9' : '00' }))).toMatchObject({ applied: true, status: to });
      expect(stored()).toMatchObject({ status: to, legCheckAt: null });
    });

    it('answers to a re-sent debit: the first is applied, the second (same requestId) is a duplicate that leaves the credit leg alone', async () => {
      // The debit was re-sent twice (status checks); the bank answers each send with its recorded result.
      const { apply, stored, tx } = setup(payment('debit_pending', { debitRequestId: DEBIT_ID, ...RUNNING }));
      expect(await apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012' }))).toEqual({ applied: true, status: 'credit_pending' });
      const crediting = stored();
      const published = tx.published.length;

      expect(await apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012' }))).toEqual({ applied: false, reason: 'duplicate', status: 'credit_pending' });
      expect(await apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012' }))).toMatchObject({ applied: false, reason: 'duplicate' });
      expect(stored()).toBe(crediting);
      expect(stored()).toMatchObject(freshTimerOf(crediting.creditRequestId));
      expect(tx.published).toHaveLength(published);
    });
  });

  it('a result for an unknown payment throws (retried, then dead-lettered)', async () => {
    const { apply } = setup(payment('debit_pending', { debitRequestId: DEBIT_ID }));
    await expect(apply('debit', 'succeeded', result(DEBIT_ID, { paymentId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' }))).rejects.toBeInstanceOf(UnknownPaymentError);
  });

  describe('an answer that does not match the leg it names', () => {
    const debitPending = () => payment('debit_pending', { debitRequestId: DEBIT_ID });

    it.each([
      ['another amount', { amount: { value: '50000.00', currency: 'INR' as const } }, /amount 50000\.00 INR \(asked 500\.00 INR\)/],
      ['another account', { accountRef: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc' }, /account/],
      ["the payee's account", { ...PAYEE }, /bank SBXB \(asked SBXA\); account/],
      ['a reversal purpose', { purpose: 'reversal' as const }, /purpose reversal/],
    ])('is refused with %s: MessageRefusedError, nothing applied, nothing published', async (_what, overrides, reason) => {
      const { apply, stored, tx } = setup(debitPending());

      await expect(apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012', ...overrides }))).rejects.toThrow(MessageRefusedError);
      await expect(apply('debit', 'succeeded', result(DEBIT_ID, { rrn: '123456789012', ...overrides }))).rejects.toThrow(reason);

      expect(stored()).toEqual(debitPending());
      expect(tx.published).toEqual([]);
    });

    it('is refused when a credit answer names the debit leg', async () => {
      const { apply, stored, tx } = setup(debitPending());

      await expect(apply('credit', 'succeeded', result(DEBIT_ID))).rejects.toThrow(/direction credit \(the debit leg is a debit\)/);
      expect(stored().status).toBe('debit_pending');
      expect(tx.published).toEqual([]);
    });

    it('is left to the state machine when its request id names no leg of the payment (stale, ignored)', async () => {
      const { apply, stored } = setup(debitPending());

      expect(await apply('debit', 'succeeded', result('44444444-4444-4444-8444-444444444444', { amount: { value: '1.00', currency: 'INR' } }))).toEqual({
        applied: false,
        reason: 'stale-request',
        status: 'debit_pending',
      });
      expect(stored().status).toBe('debit_pending');
    });
  });
});
