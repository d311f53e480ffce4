import { FakeUnitOfWork, FixedClock, InMemoryPaymentRepository, samplePayment, SequentialIds, transitionStep } from '../testing/payment-fakes';
import { OperatorAction, OperatorActionRunner } from './operator-action';
import { Payment } from './payment';

const REVERSAL_ID = '33333333-3333-4333-8333-333333333333';

function setup(initial: Payment) {
  const payments = new InMemoryPaymentRepository();
  payments.rows.set(initial.id, initial);
  const ids = new SequentialIds();
  const unitOfWork = new FakeUnitOfWork();
  const runner = new OperatorActionRunner({ unitOfWork, payments, step: transitionStep(payments, { ids }), clock: new FixedClock(), ids });
  return { runner, payments, unitOfWork };
}

/** Resolving a failed reversal: an action whose event the state machine allows only in `reversal_failed`. */
function resolveAction(paymentId: string, overrides: Partial<OperatorAction> = {}) {
  const logged: [Payment, Payment][] = [];
  const action: OperatorAction = {
    name: 'resolve-reversal',
    command: { paymentId, operator: 'ops:meera' },
    reference: 'NEFT N42',
    event: (_payment, at) => ({ kind: 'reversal-resolved-by-operator', at }),
    logDone: (before, after) => logged.push([before, after]),
    ...overrides,
  };
  return { action, logged };
}

describe('OperatorActionRunner', () => {
  const failed = samplePayment('reversal_failed', { reversalRequestId: REVERSAL_ID, reversalAttempts: 3, reversalFailure: 'declined' });

  it('applies the event to the locked payment, stores it, writes the audit line and logs it once', async () => {
    const { runner, payments, unitOfWork } = setup(failed);
    const { action, logged } = resolveAction(failed.id);
    const outcome = await runner.run(action);
    expect(outcome).toMatchObject({ ok: true, payment: { status: 'reversed' } });
    expect(payments.locks).toBe(1);
    expect(payments.rows.get(failed.id)?.status).toBe('reversed');
    expect(unitOfWork.published).toHaveLength(1);
    expect(await payments.operatorActions(failed.id)).toEqual([
      expect.objectContaining({ action: 'resolve-reversal', operator: 'ops:meera', reference: 'NEFT N42', note: null, statusBefore: 'reversal_failed', statusAfter: 'reversed' }),
    ]);
    expect(logged).toEqual([[failed, expect.objectContaining({ status: 'reversed' })]]);
  });

  it("checks the shared fields before the action's own, and the own ones before touching the payment", async () => {
    const { runner, payments } = setup(failed);
    const ownChecks: string[] = [];
    const checkOwnFields = () => {
      ownChecks.push('checked');
      return 'reference must be given';
    };
    expect(await runner.run(resolveAction(failed.id, { command: { paymentId: failed.id, operator: '' }, checkOwnFields }).action)).toEqual({
      ok: false,
      reason: 'invalid',
      detail: 'operator must be 1 to 100 printable characters',
    });
    expect(ownChecks).toEqual([]);
    expect(await runner.run(resolveAction(failed.id, { checkOwnFields }).action)).toEqual({ ok: false, reason: 'invalid', detail: 'reference must be given' });
    expect(ownChecks).toEqual(['checked']);
    expect(payments.locks).toBe(0);
  });

  it('answers not-found and wrong-state as values, writing no audit line and logging nothing', async () => {
    const pending = samplePayment('reversal_pending', { reversalRequestId: REVERSAL_ID });
    const { runner, payments, unitOfWork } = setup(pending);
    const missing = resolveAction('99999999-9999-4999-8999-999999999999');
    expect(await runner.run(missing.action)).toEqual({ ok: false, reason: 'not-found' });
    const refused = resolveAction(pending.id);
    expect(await runner.run(refused.action)).toEqual({ ok: false, reason: 'wrong-state', status: 'reversal_pending' });
    expect(payments.rows.get(pending.id)).toBe(pending);
    expect(unitOfWork.published).toEqual([]);
    expect(payments.operatorActionLog).toEqual([]);
    expect([...missing.logged, ...refused.logged]).toEqual([]);
  });
});
