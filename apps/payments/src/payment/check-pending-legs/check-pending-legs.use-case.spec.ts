import { Logger } from '@nestjs/common';
import { EVENT_TYPES, PaymentStatus } from '@kirim/contracts';
import { alertCount } from '@kirim/platform';
import { FakeUnitOfWork, FixedClock, InMemoryPaymentRepository, SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, samplePayment, SequentialIds, transitionStep, UPI_PROFILE } from '../../testing/payment-fakes';
import { Payment } from '../payment';
import { CheckPendingLegsUseCase } from './check-pending-legs.use-case';

/** UPI profile: checks 45-90 s after the request, then after 600 s and 3000 s; settle 900 s; reversal retries 60 s, 300 s, ... */
const NOW = new Date('2026-11-28T10:00:00.000Z');
const PAYER = SAMPLE_PAYER_ACCOUNT;
const PAYEE = SAMPLE_PAYEE_ACCOUNT;
const seconds = (s: number): Date => new Date(NOW.getTime() + s * 1000);
const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function paymentIn(n: number, status: PaymentStatus, changes: Partial<Payment>): Payment {
  return samplePayment(status, { debitRequestId: uuid(1000 + n), creditRequestId: uuid(2000 + n), reversalRequestId: uuid(3000 + n), ...changes }, uuid(n));
}

function setup(...initial: Payment[]) {
  const unitOfWork = new FakeUnitOfWork();
  const payments = new InMemoryPaymentRepository();
  for (const payment of initial) payments.rows.set(payment.id, payment);
  const clock = new FixedClock(NOW);
  const ids = new SequentialIds();
  const useCase = new CheckPendingLegsUseCase(unitOfWork, payments, clock, transitionStep(payments, { ids }), UPI_PROFILE);
  const stored = (n: number) => payments.rows.get(uuid(n)) as Payment;
  return { useCase, unitOfWork, payments, clock, stored };
}

const requestIdOf = (event: { data: object }): string => (event.data as { requestId: string }).requestId;

describe('CheckPendingLegsUseCase', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('re-sends each due leg with its original requestId in one transaction and paces the next check by the profile', async () => {
    const { useCase, unitOfWork, stored } = setup(
      paymentIn(1, 'debit_pending', { creditRequestId: null, reversalRequestId: null, legCheckAt: seconds(-1), legChecks: 0 }),
      paymentIn(2, 'credit_pending', { reversalRequestId: null, legCheckAt: seconds(-20), legChecks: 1 }),
      paymentIn(3, 'reversal_pending', { legCheckAt: seconds(0), legChecks: 2 }),
    );

    expect(await useCase.execute()).toEqual({ due: 3, resent: 3, deemed: 0, retried: 0, quarantined: 0 });

    expect(unitOfWork.transactions).toBe(1);
    // Earliest timer first.
    expect(unitOfWork.published.map((e) => [e.type, e.key, requestIdOf(e), (e.data as { purpose: string }).purpose])).toEqual([
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, uuid(2), uuid(2002), 'payment'],
      [EVENT_TYPES.BANK_DEBIT_REQUESTED, uuid(1), uuid(1001), 'payment'],
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, uuid(3), uuid(3003), 'reversal'],
    ]);
    expect(unitOfWork.published[1].data).toMatchObject({ ...PAYER, amount: { value: '500.00', currency: 'INR' }, txnId: stored(1).txnId });
    expect(unitOfWork.published[0].data).toMatchObject(PAYEE);
    expect(unitOfWork.published[2].data).toMatchObject(PAYER);

    expect(stored(1)).toMatchObject({ status: 'debit_pending', legChecks: 1, legCheckAt: seconds(600) });
    expect(stored(2)).toMatchObject({ status: 'credit_pending', legChecks: 2, legCheckAt: seconds(3000) });
    // The last check: the next time is the settle time, after which the outcome is deemed.
    expect(stored(3)).toMatchObject({ status: 'reversal_pending', legChecks: 3, legCheckAt: seconds(900) });
  });

  it('leaves payments whose timer is not due, or not running, alone', async () => {
    const notDue = paymentIn(1, 'debit_pending', { legCheckAt: seconds(1) });
    const noTimer = paymentIn(2, 'debit_pending', { legCheckAt: null, legChecks: 5 });
    const { useCase, unitOfWork, stored } = setup(notDue, noTimer);

    expect(await useCase.execute()).toEqual({ due: 0, resent: 0, deemed: 0, retried: 0, quarantined: 0 });
    expect(unitOfWork.published).toEqual([]);
    expect(stored(1)).toBe(notDue);
    expect(stored(2)).toBe(noTimer);
  });

  it('a bank that never answers: three checks, the settle time, then the debit is deemed failed with U67', async () => {
    const { useCase, unitOfWork, clock, stored } = setup(paymentIn(1, 'debit_pending', { creditRequestId: null, reversalRequestId: null, legCheckAt: seconds(0) }));
    for (const at of [0, 600, 3600]) {
      clock.current = seconds(at);
      expect(await useCase.execute()).toMatchObject({ resent: 1 });
    }
    clock.current = seconds(4499);
    expect(await useCase.execute()).toMatchObject({ due: 0 });
    clock.current = seconds(4500);
    expect(await useCase.execute()).toEqual({ due: 1, resent: 0, deemed: 1, retried: 0, quarantined: 0 });

    expect(unitOfWork.published.map((e) => e.type)).toEqual([
      EVENT_TYPES.BANK_DEBIT_REQUESTED,
      EVENT_TYPES.BANK_DEBIT_REQUESTED,
      EVENT_TYPES.BANK_DEBIT_REQUESTED,
      EVENT_TYPES.PAYMENT_FAILED,
    ]);
    expect(unitOfWork.published[3].data).toMatchObject({ status: 'debit_failed', resultCode: 'U67' });
    expect(stored(1)).toMatchObject({ status: 'debit_failed', resultCode: 'U67', deemedLeg: 'debit', legCheckAt: null, legChecks: 3 });
  });

  it('an unanswered credit is deemed failed (U68) and reversed to the payer in the same pass, with the T+1 deadline', async () => {
    const { useCase, unitOfWork, stored } = setup(paymentIn(1, 'credit_pending', { reversalRequestId: null, legCheckAt: seconds(-1), legChecks: 3 }));
    expect(await useCase.execute()).toMatchObject({ deemed: 1 });
    expect(stored(1)).toMatchObject({ status: 'reversal_pending', resultCode: 'U68', deemedLeg: 'credit', reversalAttempts: 1, legChecks: 0 });
    expect(stored(1).reversalDueBy).toEqual(new Date('2026-11-29T18:30:00.000Z'));
    expect(unitOfWork.published).toEqual([
      expect.objectContaining({ type: EVENT_TYPES.BANK_CREDIT_REQUESTED, data: expect.objectContaining({ requestId: stored(1).reversalRequestId, purpose: 'reversal', ...PAYER }) }),
    ]);
  });

  it('retries a declined reversal with a NEW requestId, an unanswered one with the SAME (it may have been applied)', async () => {
    const { useCase, unitOfWork, stored } = setup(
      paymentIn(1, 'reversal_failed', { reversalAttempts: 1, reversalFailure: 'declined', reversalResultCode: 'XH', legCheckAt: seconds(-1) }),
      paymentIn(2, 'reversal_failed', { reversalAttempts: 1, reversalFailure: 'unanswered', reversalResultCode: 'RB', legCheckAt: seconds(-1) }),
    );
    expect(await useCase.execute()).toEqual({ due: 2, resent: 0, deemed: 0, retried: 2, quarantined: 0 });
    expect(stored(1)).toMatchObject({ status: 'reversal_pending', reversalAttempts: 2, reversalFailure: null });
    expect(stored(1).reversalRequestId).not.toBe(uuid(3001));
    expect(stored(2)).toMatchObject({ status: 'reversal_pending', reversalAttempts: 2, reversalRequestId: uuid(3002) });
    expect(unitOfWork.published.map((e) => [e.key, requestIdOf(e)])).toEqual([
      [uuid(1), stored(1).reversalRequestId],
      [uuid(2), uuid(3002)],
    ]);
  });

  it('skips payments another pass holds (SKIP LOCKED) and takes at most `limit`', async () => {
    const { useCase, unitOfWork, payments } = setup(
      paymentIn(1, 'debit_pending', { legCheckAt: seconds(-3) }),
      paymentIn(2, 'debit_pending', { legCheckAt: seconds(-2) }),
      paymentIn(3, 'debit_pending', { legCheckAt: seconds(-1) }),
    );
    payments.lockedElsewhere.add(uuid(1));
    expect(await useCase.execute(1)).toMatchObject({ due: 1, resent: 1 });
    expect(unitOfWork.published.map((e) => e.key)).toEqual([uuid(2)]);
  });

  describe('rows it cannot handle are set aside, and the others go on', () => {
    it('a row that does not read as a payment', async () => {
      const { useCase, unitOfWork, payments, stored } = setup(
        paymentIn(1, 'debit_pending', { legCheckAt: seconds(-2) }),
        paymentIn(2, 'debit_pending', { legCheckAt: seconds(-1) }),
      );
      payments.unreadable.set(uuid(1), 'payments.status holds an unknown status "limbo"');
      const alerts = await alertCount('payment-row-quarantined');

      expect(await useCase.execute()).toEqual({ due: 2, resent: 1, deemed: 0, retried: 0, quarantined: 1 });
      expect(payments.quarantined.get(uuid(1))).toEqual({ reason: 'the row does not read as a payment: payments.status holds an unknown status "limbo"', at: NOW });
      expect(stored(1).legCheckAt).toBeNull();
      expect(unitOfWork.published.map((e) => e.key)).toEqual([uuid(2)]);
      expect(await alertCount('payment-row-quarantined')).toBe(alerts + 1);
    });

    it('a payment whose events would break the contract: nothing of it is written or published', async () => {
      const bad = paymentIn(1, 'debit_pending', { rrn: 'not-an-rrn', legCheckAt: seconds(-2), legChecks: 3 });
      const { useCase, unitOfWork, payments, stored } = setup(bad, paymentIn(2, 'debit_pending', { legCheckAt: seconds(-1) }));
      expect(await useCase.execute()).toMatchObject({ due: 2, resent: 1, deemed: 0, quarantined: 1 });
      expect(payments.quarantined.get(uuid(1))?.reason).toMatch(/payments\.payment\.failed\.v1 would break the contract: rrn/);
      expect(stored(1)).toEqual({ ...bad, legCheckAt: null });
      expect(unitOfWork.published.map((e) => e.key)).toEqual([uuid(2)]);
    });

    it('a timer with no leg to wait for (the payment could not end by itself)', async () => {
      const { useCase, unitOfWork, payments } = setup(paymentIn(1, 'debit_pending', { debitRequestId: null, legCheckAt: seconds(-1) }));
      expect(await useCase.execute()).toMatchObject({ quarantined: 1 });
      expect(payments.quarantined.get(uuid(1))?.reason).toMatch(/no leg to wait for/);
      expect(unitOfWork.published).toEqual([]);
    });

    it('a handler failing with a bug: its own writes are undone (savepoint), the next payment still goes', async () => {
      const { useCase, unitOfWork, payments, stored } = setup(
        paymentIn(1, 'debit_pending', { legCheckAt: seconds(-2) }),
        paymentIn(2, 'debit_pending', { legCheckAt: seconds(-1) }),
      );
      const update = payments.update.bind(payments);
      payments.update = async (tx, payment) => {
        await update(tx, payment);
        if (payment.id === uuid(1)) throw new TypeError('cannot read properties of undefined');
      };
      expect(await useCase.execute()).toMatchObject({ resent: 1, quarantined: 1 });
      expect(stored(1)).toMatchObject({ legChecks: 0, legCheckAt: null });
      expect(payments.quarantined.get(uuid(1))?.reason).toBe('TypeError: cannot read properties of undefined');
      expect(unitOfWork.published.map((e) => e.key)).toEqual([uuid(2)]);
    });
  });

  it('the database going away fails the whole pass and writes nothing (the next tick tries again)', async () => {
    const { useCase, unitOfWork, payments } = setup(paymentIn(1, 'debit_pending', { legCheckAt: seconds(-1) }));
    payments.update = async () => {
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    };
    await expect(useCase.execute()).rejects.toThrow('terminating connection');
    expect(unitOfWork.published).toEqual([]);
    expect(unitOfWork.transactions).toBe(0);
    expect(payments.quarantined.size).toBe(0);
  });
});
