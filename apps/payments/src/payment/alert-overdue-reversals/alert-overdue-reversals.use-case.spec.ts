import { Logger } from '@nestjs/common';
import { alertCount } from '@kirim/platform';
import { FakeUnitOfWork, FixedClock, InMemoryPaymentRepository, samplePayment } from '../../testing/payment-fakes';
import { AlertOverdueReversalsUseCase } from './alert-overdue-reversals.use-case';

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const NOW = new Date('2026-11-29T18:30:00.000Z');

describe('AlertOverdueReversalsUseCase', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('alerts once per reversal still owed past its T+1 deadline, whatever its state', async () => {
    const payments = new InMemoryPaymentRepository();
    const clock = new FixedClock(new Date(NOW.getTime() - 1));
    for (const [n, status] of [[1, 'reversal_failed'], [2, 'reversal_pending'], [3, 'reversed']] as const) {
      payments.rows.set(uuid(n), samplePayment(status, { reversalDueBy: NOW }, uuid(n)));
    }
    const useCase = new AlertOverdueReversalsUseCase(new FakeUnitOfWork(), payments, clock);
    const before = await alertCount('reversal-overdue');

    expect(await useCase.execute()).toBe(0);
    clock.current = NOW;
    expect(await useCase.execute()).toBe(2);
    expect([...payments.overdueAlerted.keys()].sort()).toEqual([uuid(1), uuid(2)]);
    expect(await useCase.execute()).toBe(0);
    expect(await alertCount('reversal-overdue')).toBe(before + 2);
  });
});
