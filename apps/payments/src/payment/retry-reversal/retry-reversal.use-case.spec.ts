import { Logger } from '@nestjs/common';
import { EVENT_TYPES } from '@kirim/contracts';
import { FakeUnitOfWork, FixedClock, InMemoryPaymentRepository, samplePayment, SequentialIds, transitionStep } from '../../testing/payment-fakes';
import { Payment } from '../payment';
import { RetryReversalUseCase } from './retry-reversal.use-case';

const REVERSAL_ID = '33333333-3333-4333-8333-333333333333';

function setup(initial: Payment) {
  const payments = new InMemoryPaymentRepository();
  payments.rows.set(initial.id, initial);
  const ids = new SequentialIds();
  const unitOfWork = new FakeUnitOfWork();
  const useCase = new RetryReversalUseCase(unitOfWork, payments, transitionStep(payments, { ids }), new FixedClock(), ids);
  return { useCase, payments, unitOfWork };
}

describe('RetryReversalUseCase', () => {
  beforeAll(() => Logger.overrideLogger(false));
  const exhausted = samplePayment('reversal_failed', { reversalRequestId: REVERSAL_ID, reversalAttempts: 6, reversalFailure: 'declined', reversalResultCode: 'XH', legCheckAt: null });

  it('sends one more reversal now (a new requestId after a decline) and keeps who asked in the audit trail', async () => {
    const { useCase, payments, unitOfWork } = setup(exhausted);
    const outcome = await useCase.execute({ paymentId: exhausted.id, operator: 'ops:asha', note: 'bank says the account is open again' });
    expect(outcome).toMatchObject({ ok: true, payment: { status: 'reversal_pending', reversalAttempts: 7 } });
    const stored = payments.rows.get(exhausted.id) as Payment;
    expect(stored.reversalRequestId).not.toBe(REVERSAL_ID);
    expect(stored.legCheckAt).not.toBeNull();
    expect(unitOfWork.published).toEqual([
      expect.objectContaining({ type: EVENT_TYPES.BANK_CREDIT_REQUESTED, data: expect.objectContaining({ requestId: stored.reversalRequestId, purpose: 'reversal' }) }),
    ]);
    expect(await payments.operatorActions(exhausted.id)).toEqual([
      expect.objectContaining({ action: 'retry-reversal', operator: 'ops:asha', reference: null, note: 'bank says the account is open again', statusBefore: 'reversal_failed', statusAfter: 'reversal_pending' }),
    ]);
  });

  it('answers not-found, wrong-state and invalid as values, changing nothing', async () => {
    const pending = samplePayment('reversal_pending', { reversalRequestId: REVERSAL_ID });
    const { useCase, payments, unitOfWork } = setup(pending);
    expect(await useCase.execute({ paymentId: '99999999-9999-4999-8999-999999999999', operator: 'ops' })).toEqual({ ok: false, reason: 'not-found' });
    expect(await useCase.execute({ paymentId: pending.id, operator: 'ops' })).toEqual({ ok: false, reason: 'wrong-state', status: 'reversal_pending' });
    expect(await useCase.execute({ paymentId: 'not-a-uuid', operator: 'ops' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await useCase.execute({ paymentId: pending.id, operator: '' })).toMatchObject({ ok: false, reason: 'invalid', detail: expect.stringContaining('operator') });
    expect(payments.rows.get(pending.id)).toBe(pending);
    expect(unitOfWork.published).toEqual([]);
    expect(payments.operatorActionLog).toEqual([]);
  });
});
