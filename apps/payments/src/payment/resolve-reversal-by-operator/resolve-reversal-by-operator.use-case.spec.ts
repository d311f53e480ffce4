import { Logger } from '@nestjs/common';
import { EVENT_TYPES } from '@kirim/contracts';
import { FakeUnitOfWork, FixedClock, InMemoryPaymentRepository, samplePayment, SequentialIds, transitionStep } from '../../testing/payment-fakes';
import { Payment } from '../payment';
import { ResolveReversalByOperatorUseCase } from './resolve-reversal-by-operator.use-case';

const REVERSAL_ID = '33333333-3333-4333-8333-333333333333';

function setup(initial: Payment) {
  const payments = new InMemoryPaymentRepository();
  payments.rows.set(initial.id, initial);
  const ids = new SequentialIds();
  const unitOfWork = new FakeUnitOfWork();
  const useCase = new ResolveReversalByOperatorUseCase(unitOfWork, payments, transitionStep(payments, { ids }), new FixedClock(), ids);
  return { useCase, payments, unitOfWork };
}

describe('ResolveReversalByOperatorUseCase', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('ends a failed reversal as reversed, tells the world, stops its retry and keeps the reference in the audit trail', async () => {
    const failed = samplePayment('reversal_failed', {
      reversalRequestId: REVERSAL_ID,
      resultCode: 'U68',
      deemedLeg: 'credit',
      reversalAttempts: 2,
      reversalFailure: 'declined',
      legCheckAt: new Date('2026-11-28T10:05:00.000Z'),
    });
    const { useCase, payments, unitOfWork } = setup(failed);
    const outcome = await useCase.execute({ paymentId: failed.id, operator: 'ops:ravi', reference: 'NEFT N123456789', note: 'returned by branch' });
    expect(outcome).toMatchObject({ ok: true, payment: { status: 'reversed', resultCode: 'U68', legCheckAt: null } });
    expect(unitOfWork.published.map((e) => [e.type, (e.data as { status: string }).status])).toEqual([[EVENT_TYPES.PAYMENT_REVERSED, 'reversed']]);
    expect(await payments.operatorActions(failed.id)).toEqual([
      expect.objectContaining({ action: 'resolve-reversal', operator: 'ops:ravi', reference: 'NEFT N123456789', note: 'returned by branch', statusBefore: 'reversal_failed', statusAfter: 'reversed' }),
    ]);
  });

  it('refuses while a reversal is pending (the bank may still pay back), and without a reference', async () => {
    const pending = samplePayment('reversal_pending', { reversalRequestId: REVERSAL_ID });
    const { useCase, payments, unitOfWork } = setup(pending);
    expect(await useCase.execute({ paymentId: pending.id, operator: 'ops', reference: 'ref' })).toEqual({ ok: false, reason: 'wrong-state', status: 'reversal_pending' });
    expect(await useCase.execute({ paymentId: pending.id, operator: 'ops', reference: '' })).toMatchObject({ ok: false, reason: 'invalid', detail: expect.stringContaining('reference') });
    expect(await useCase.execute({ paymentId: pending.id, operator: 'ops', reference: 'x'.repeat(101) })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await useCase.execute({ paymentId: '99999999-9999-4999-8999-999999999999', operator: 'ops', reference: 'ref' })).toEqual({ ok: false, reason: 'not-found' });
    expect(payments.rows.get(pending.id)).toBe(pending);
    expect(unitOfWork.published).toEqual([]);
  });
});
