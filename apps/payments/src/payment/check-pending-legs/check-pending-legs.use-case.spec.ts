import { Logger } from '@nestjs/common';
import { EVENT_TYPES, PaymentStatus } from '@kirim/contracts';
import { FakeUnitOfWork, FixedClock, InMemoryPaymentRepository, SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, samplePayment, TEST_LEG_TIMER } from '../../testing/payment-fakes';
import { Payment } from '../payment';
import { CheckPendingLegsUseCase } from './check-pending-legs.use-case';

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
  const useCase = new CheckPendingLegsUseCase(unitOfWork, payments, clock, TEST_LEG_TIMER);
  const stored = (n: number) => payments.rows.get(uuid(n)) as Payment;
  return { useCase, unitOfWork, payments, clock, stored };
}

describe('CheckPendingLegsUseCase', () => {
  let errors: jest.SpyInstance;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => errors.mockRestore());

  it('re-sends each due leg with its original requestId in one transaction and sets the next check with backoff', async () => {
    const { useCase, unitOfWork, stored } = setup(
      paymentIn(1, 'debit_pending', { creditRequestId: null, reversalRequestId: null, legCheckAt: seconds(-1), legChecks: 0 }),
      paymentIn(2, 'credit_pending', { reversalRequestId: null, legCheckAt: seconds(-20), legChecks: 1 }),
      paymentIn(3, 'reversal_pending', { legCheckAt: seconds(0), legChecks: 3 }),
    );

    expect(await useCase.execute()).toEqual({ due: 3, resent: 3, gaveUp: 0 });

    expect(unitOfWork.transactions).toBe(1);
    // Earliest timer first.
    expect(unitOfWork.published.map((e) => [e.type, e.key, (e.data as { requestId: string }).requestId, (e.data as { purpose: string }).purpose])).toEqual([
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, uuid(2), uuid(2002), 'payment'],
      [EVENT_TYPES.BANK_DEBIT_REQUESTED, uuid(1), uuid(1001), 'payment'],
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, uuid(3), uuid(3003), 'reversal'],
    ]);
    expect(unitOfWork.published[1].data).toMatchObject({ ...PAYER, amount: { value: '500.00', currency: 'INR' }, txnId: stored(1).txnId });
    expect(unitOfWork.published[0].data).toMatchObject(PAYEE);
    expect(unitOfWork.published[2].data).toMatchObject(PAYER);

    expect(stored(1)).toMatchObject({ status: 'debit_pending', legChecks: 1, legCheckAt: seconds(30) });
    expect(stored(2)).toMatchObject({ status: 'credit_pending', legChecks: 2, legCheckAt: seconds(60) });
    expect(stored(3)).toMatchObject({ status: 'reversal_pending', legChecks: 4, legCheckAt: seconds(240) });
  });

  it('leaves payments whose timer is not due, or not running, alone', async () => {
    const notDue = paymentIn(1, 'debit_pending', { legCheckAt: seconds(1) });
    const noTimer = paymentIn(2, 'debit_pending', { legCheckAt: null, legChecks: 5 });
    const { useCase, unitOfWork, stored } = setup(notDue, noTimer);

    expect(await useCase.execute()).toEqual({ due: 0, resent: 0, gaveUp: 0 });
    expect(unitOfWork.published).toEqual([]);
    expect(stored(1)).toBe(notDue);
    expect(stored(2)).toBe(noTimer);
  });

  it('a second pass before the backoff has passed does nothing; after it, the second check goes out', async () => {
    const { useCase, unitOfWork, clock, stored } = setup(paymentIn(1, 'debit_pending', { legCheckAt: seconds(0) }));
    await useCase.execute();
    clock.current = seconds(29);
    expect(await useCase.execute()).toEqual({ due: 0, resent: 0, gaveUp: 0 });
    expect(unitOfWork.published).toHaveLength(1);

    clock.current = seconds(30);
    expect(await useCase.execute()).toEqual({ due: 1, resent: 1, gaveUp: 0 });
    expect(unitOfWork.published.map((e) => (e.data as { requestId: string }).requestId)).toEqual([uuid(1001), uuid(1001)]);
    expect(stored(1)).toMatchObject({ legChecks: 2, legCheckAt: seconds(90) });
  });

  it('after the last check it stops re-sending and tells an operator, naming the payment and its state only', async () => {
    const { useCase, unitOfWork, stored } = setup(paymentIn(1, 'credit_pending', { legCheckAt: seconds(-1), legChecks: 5 }));

    expect(await useCase.execute()).toEqual({ due: 1, resent: 0, gaveUp: 1 });
    expect(unitOfWork.published).toEqual([]);
    expect(stored(1)).toMatchObject({ status: 'credit_pending', legCheckAt: null, legChecks: 5 });
    expect(errors).toHaveBeenCalledTimes(1);
    const [context] = errors.mock.calls[0] as [Record<string, unknown>];
    expect(context).toEqual({ paymentId: uuid(1), status: 'credit_pending', legChecks: 5 });

    expect(await useCase.execute()).toEqual({ due: 0, resent: 0, gaveUp: 0 });
  });

  it('skips payments another pass holds (SKIP LOCKED) and takes at most `limit`', async () => {
    const { useCase, unitOfWork, payments } = setup(
      paymentIn(1, 'debit_pending', { legCheckAt: seconds(-3) }),
      paymentIn(2, 'debit_pending', { legCheckAt: seconds(-2) }),
      paymentIn(3, 'debit_pending', { legCheckAt: seconds(-1) }),
    );
    payments.lockedElsewhere.add(uuid(1));
    expect(await useCase.execute(1)).toEqual({ due: 1, resent: 1, gaveUp: 0 });
    expect(unitOfWork.published.map((e) => e.key)).toEqual([uuid(2)]);
  });

  it('stops a timer on a payment that has no pending leg request, and sends nothing', async () => {
    const { useCase, unitOfWork, stored } = setup(paymentIn(1, 'debit_pending', { debitRequestId: null, legCheckAt: seconds(-1) }));
    expect(await useCase.execute()).toEqual({ due: 1, resent: 0, gaveUp: 0 });
    expect(unitOfWork.published).toEqual([]);
    expect(stored(1).legCheckAt).toBeNull();
    expect(errors).toHaveBeenCalledTimes(1);
  });

  it('writes nothing if the transaction fails', async () => {
    const { useCase, unitOfWork, payments } = setup(paymentIn(1, 'debit_pending', { legCheckAt: seconds(-1) }));
    payments.update = async () => {
      throw new Error('connection lost');
    };
    await expect(useCase.execute()).rejects.toThrow('connection lost');
    expect(unitOfWork.published).toEqual([]);
    expect(unitOfWork.transactions).toBe(0);
  });
});
