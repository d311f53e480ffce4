import { Logger } from '@nestjs/common';
import { EVENT_TYPES } from '@kirim/contracts';
import { alertCount } from '@kirim/platform';
import { FakeTransactionScope, InMemoryPaymentRepository, samplePayment, SequentialIds, transitionStep, UPI_PROFILE } from '../testing/payment-fakes';
import { firstCheckDelayMs } from './leg-timer';
import { Payment } from './payment';
import { StepAccepted } from './payment-transition-step';

const AT = new Date('2026-11-28T10:00:00.000Z');
const DEBIT_ID = '11111111-1111-4111-8111-111111111111';
const CREDIT_ID = '22222222-2222-4222-8222-222222222222';
const REVERSAL_ID = '33333333-3333-4333-8333-333333333333';
const FIRST_ID = '00000000-0000-4000-8000-000000000001';

function setup(initial?: Payment) {
  const payments = new InMemoryPaymentRepository();
  if (initial) payments.rows.set(initial.id, initial);
  const step = transitionStep(payments, { ids: new SequentialIds() });
  return { payments, step, tx: new FakeTransactionScope() };
}

function accepted(outcome: ReturnType<ReturnType<typeof setup>['step']['decide']>): StepAccepted {
  if (!outcome.ok) throw new Error(`refused: ${outcome.reason}`);
  return outcome;
}

describe('PaymentTransitionStep', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('applies the transition, then the automatic next step, then the new leg\'s timer, in one result', () => {
    const { step } = setup();
    const outcome = accepted(step.decide(samplePayment('debit_pending', { debitRequestId: DEBIT_ID }), { kind: 'debit-succeeded', requestId: DEBIT_ID, rrn: '123456789012', at: AT }));
    expect(outcome.payment).toMatchObject({ status: 'credit_pending', creditRequestId: FIRST_ID, legChecks: 0 });
    expect(outcome.payment.legCheckAt).toEqual(new Date(AT.getTime() + firstCheckDelayMs(FIRST_ID, UPI_PROFILE.statusChecks)));
    expect(outcome.events.map((e) => e.type)).toEqual([EVENT_TYPES.BANK_CREDIT_REQUESTED]);
  });

  it('a declined credit goes on to the reversal and sets the T+1 deadline', () => {
    const { step } = setup();
    const outcome = accepted(
      step.decide(samplePayment('credit_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID }), { kind: 'credit-declined', requestId: CREDIT_ID, resultCode: 'XI', at: AT }),
    );
    expect(outcome.payment).toMatchObject({ status: 'reversal_pending', reversalRequestId: FIRST_ID, reversalAttempts: 1, reversalDueBy: new Date('2026-11-29T18:30:00.000Z') });
  });

  it('a new payment (isNew) is inserted, an existing one updated; events are published and alerts raised', async () => {
    const { step, tx, payments } = setup();
    const created = samplePayment('created');
    await step.store(tx, accepted(step.decide(created, { kind: 'debit-requested', debitRequestId: DEBIT_ID, encryptedPin: 'x.y.z', at: AT }, { isNew: true })));
    expect(payments.rows.get(created.id)?.status).toBe('debit_pending');
    expect(tx.published.map((e) => e.type)).toEqual([EVENT_TYPES.PAYMENT_INITIATED, EVENT_TYPES.BANK_DEBIT_REQUESTED]);

    const exhausted = samplePayment('reversal_pending', { reversalRequestId: REVERSAL_ID, reversalAttempts: UPI_PROFILE.reversals.retryAfterMs.length + 1 }, created.id);
    payments.rows.set(created.id, exhausted);
    const before = await alertCount('reversal-needs-operator');
    const outcome = await step.apply(tx, exhausted, { kind: 'reversal-declined', requestId: REVERSAL_ID, resultCode: 'XH', at: AT });
    expect(outcome).toMatchObject({ ok: true, payment: { status: 'reversal_failed', legCheckAt: null } });
    expect(payments.rows.get(created.id)).toMatchObject({ status: 'reversal_failed', legCheckAt: null });
    expect(await alertCount('reversal-needs-operator')).toBe(before + 1);
  });

  it('a refused event stores nothing', async () => {
    const initial = samplePayment('completed', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID });
    const { step, tx, payments } = setup(initial);
    expect(await step.apply(tx, initial, { kind: 'credit-succeeded', requestId: CREDIT_ID, at: AT })).toMatchObject({ ok: false, reason: 'duplicate' });
    expect(payments.rows.get(initial.id)).toBe(initial);
    expect(tx.published).toEqual([]);
  });

  it('retries a reversal with a new requestId after a decline, the same after no answer', () => {
    const { step } = setup();
    const declined = samplePayment('reversal_failed', { reversalRequestId: REVERSAL_ID, reversalFailure: 'declined' });
    const unanswered = samplePayment('reversal_failed', { reversalRequestId: REVERSAL_ID, reversalFailure: 'unanswered' });
    expect(step.reversalAttempt(declined, AT)).toEqual({ kind: 'reversal-requested', reversalRequestId: FIRST_ID, at: AT });
    expect(step.reversalAttempt(unanswered, AT)).toEqual({ kind: 'reversal-requested', reversalRequestId: REVERSAL_ID, at: AT });
  });
});
