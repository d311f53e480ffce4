import { InMemoryPaymentRepository, samplePayment } from '../../testing/payment-fakes';
import { ListPaymentsNeedingOperatorUseCase } from './list-payments-needing-operator.use-case';

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const minute = (n: number): Date => new Date(Date.UTC(2026, 10, 28, 9, n));

describe('ListPaymentsNeedingOperatorUseCase', () => {
  function setup() {
    const payments = new InMemoryPaymentRepository();
    const add = (n: number, ...args: Parameters<typeof samplePayment>) => {
      const payment = { ...samplePayment(args[0], args[1], uuid(n)), createdAt: minute(n) };
      payments.rows.set(payment.id, payment);
    };
    add(1, 'reversal_failed', { legCheckAt: null });
    add(2, 'reversal_failed', { legCheckAt: minute(59) }); // retrying by itself: not yet an operator's
    add(3, 'completed', {});
    add(4, 'reversal_pending', { lateCreditAt: minute(30) });
    add(5, 'debit_pending', {});
    payments.quarantined.set(uuid(5), { reason: 'the row does not read as a payment', at: minute(40) });
    return { payments, useCase: new ListPaymentsNeedingOperatorUseCase(payments) };
  }

  it('lists exhausted reversals, set-aside rows and late credits, oldest first, a page at a time', async () => {
    const { useCase } = setup();
    const first = await useCase.execute({ limit: 2 });
    if (!first.ok) throw new Error(first.detail);
    expect(first.items.map((item) => [item.paymentId, item.reasons])).toEqual([
      [uuid(1), ['reversal-retries-exhausted']],
      [uuid(4), ['late-credit-after-deemed-failure']],
    ]);
    expect(first.nextCursor).not.toBeNull();
    const second = await useCase.execute({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second).toEqual({ ok: true, nextCursor: null, items: [expect.objectContaining({ paymentId: uuid(5), reasons: ['quarantined'], quarantine: { reason: 'the row does not read as a payment', at: minute(40) } })] });
  });

  it('refuses a limit out of range and a cursor it did not give', async () => {
    const { useCase } = setup();
    expect(await useCase.execute({ limit: 0 })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await useCase.execute({ limit: 101 })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await useCase.execute({ cursor: 'bm90LWEtY3Vyc29y' })).toMatchObject({ ok: false, reason: 'invalid', detail: 'cursor is not one this list gave' });
    expect(await useCase.execute({ cursor: '!!' })).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
