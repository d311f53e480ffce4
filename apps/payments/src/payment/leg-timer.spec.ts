import { EVENT_TYPES, PaymentStatus } from '@kirim/contracts';
import { decideLegCheck, legCheckBackoffMs, LegTimerPolicy, MAX_LEG_CHECK_BACKOFF_MS, withLegTimer } from './leg-timer';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, samplePayment } from '../testing/payment-fakes';
import { Payment } from './payment';

const POLICY: LegTimerPolicy = { timeoutMs: 15_000, maxChecks: 5 };
const AT = new Date('2026-11-28T10:00:00.000Z');
const DEBIT_ID = '11111111-1111-4111-8111-111111111111';
const CREDIT_ID = '22222222-2222-4222-8222-222222222222';
const REVERSAL_ID = '33333333-3333-4333-8333-333333333333';
const PAYER = SAMPLE_PAYER_ACCOUNT;
const PAYEE = SAMPLE_PAYEE_ACCOUNT;
const seconds = (s: number): Date => new Date(AT.getTime() + s * 1000);

function paymentIn(status: PaymentStatus, changes: Partial<Payment> = {}): Payment {
  return samplePayment(status, { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, reversalRequestId: REVERSAL_ID, ...changes });
}

describe('leg timer', () => {
  describe('withLegTimer', () => {
    it.each(['debit_pending', 'credit_pending', 'reversal_pending'] as const)('entering %s starts the timer at now + timeout with no checks', (status) => {
      const before = paymentIn('created', { legCheckAt: null, legChecks: 4 });
      expect(withLegTimer(before, paymentIn(status, { legChecks: 4 }), AT, POLICY)).toMatchObject({ legCheckAt: seconds(15), legChecks: 0 });
      expect(withLegTimer(null, paymentIn(status), AT, POLICY)).toMatchObject({ legCheckAt: seconds(15), legChecks: 0 });
    });

    it('a new pending leg restarts the timer even from another pending state', () => {
      const before = paymentIn('debit_pending', { legCheckAt: seconds(-100), legChecks: 3 });
      const after = paymentIn('credit_pending', { legCheckAt: seconds(-100), legChecks: 3 });
      expect(withLegTimer(before, after, AT, POLICY)).toMatchObject({ legCheckAt: seconds(15), legChecks: 0 });
    });

    it('staying in the same pending state leaves the timer as it is', () => {
      const before = paymentIn('reversal_pending', { legCheckAt: seconds(40), legChecks: 2 });
      const after = { ...before };
      expect(withLegTimer(before, after, AT, POLICY)).toBe(after);
    });

    it.each(['created', 'debited', 'completed', 'debit_failed', 'credit_failed', 'reversed'] as const)(
      'in %s the timer is stopped and the count of the last leg kept',
      (status) => {
        const before = paymentIn('credit_pending', { legCheckAt: seconds(40), legChecks: 2 });
        expect(withLegTimer(before, paymentIn(status, { legCheckAt: seconds(40), legChecks: 2 }), AT, POLICY)).toMatchObject({ legCheckAt: null, legChecks: 2 });
      },
    );
  });

  describe('legCheckBackoffMs', () => {
    it('doubles from twice the timeout after each check and is capped at 5 minutes', () => {
      expect([1, 2, 3, 4, 5, 6, 50, 5000].map((n) => legCheckBackoffMs(n, POLICY))).toEqual([
        30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000, 300_000,
      ]);
      expect(MAX_LEG_CHECK_BACKOFF_MS).toBe(300_000);
    });

    it('scales with the configured timeout', () => {
      expect(legCheckBackoffMs(1, { timeoutMs: 1000, maxChecks: 5 })).toBe(2000);
      expect(legCheckBackoffMs(3, { timeoutMs: 1000, maxChecks: 5 })).toBe(8000);
    });
  });

  describe('decideLegCheck', () => {
    it('re-sends the pending debit with its original requestId, counts the check and sets the next one with backoff', () => {
      const due = paymentIn('debit_pending', { creditRequestId: null, reversalRequestId: null, legCheckAt: seconds(-1), legChecks: 0 });
      const decision = decideLegCheck(due, AT, POLICY);
      if (decision.action !== 'resend') throw new Error(`expected resend, got ${decision.action}`);
      expect(decision.payment).toEqual({ ...due, legChecks: 1, legCheckAt: seconds(30) });
      expect(decision.request).toMatchObject({
        type: EVENT_TYPES.BANK_DEBIT_REQUESTED,
        key: due.id,
        data: { requestId: DEBIT_ID, paymentId: due.id, txnId: due.txnId, purpose: 'payment', ...PAYER, amount: { value: '500.00', currency: 'INR' } },
      });
    });

    it.each([
      ['credit_pending', EVENT_TYPES.BANK_CREDIT_REQUESTED, CREDIT_ID, 'payment', PAYEE],
      ['reversal_pending', EVENT_TYPES.BANK_CREDIT_REQUESTED, REVERSAL_ID, 'reversal', PAYER],
    ] as const)('re-sends the %s leg as it was first sent', (status, type, requestId, purpose, account) => {
      const decision = decideLegCheck(paymentIn(status, { legCheckAt: seconds(-1), legChecks: 2 }), AT, POLICY);
      expect(decision).toMatchObject({ action: 'resend', payment: { legChecks: 3, legCheckAt: seconds(120) }, request: { type, data: { requestId, purpose, ...account } } });
    });

    it('leaves updatedAt alone: a status check is not a change of the payment', () => {
      const due = paymentIn('debit_pending', { legCheckAt: seconds(-1) });
      expect(decideLegCheck(due, AT, POLICY).payment.updatedAt).toBe(due.updatedAt);
    });

    it('makes exactly maxChecks checks, then gives up and stops the timer', () => {
      let payment = paymentIn('debit_pending', { legCheckAt: seconds(15), legChecks: 0 });
      const actions: string[] = [];
      const waits: number[] = [];
      for (let pass = 0; pass < 10 && payment.legCheckAt !== null; pass += 1) {
        const at = payment.legCheckAt;
        const decision = decideLegCheck(payment, at, POLICY);
        actions.push(decision.action);
        payment = decision.payment;
        if (payment.legCheckAt) waits.push((payment.legCheckAt.getTime() - at.getTime()) / 1000);
      }
      expect(actions).toEqual(['resend', 'resend', 'resend', 'resend', 'resend', 'give-up']);
      expect(waits).toEqual([30, 60, 120, 240, 300]);
      expect(payment).toMatchObject({ status: 'debit_pending', legCheckAt: null, legChecks: 5 });
    });

    it('with maxChecks 0 it gives up at the timeout without re-sending', () => {
      expect(decideLegCheck(paymentIn('debit_pending', { legCheckAt: seconds(-1) }), AT, { timeoutMs: 15_000, maxChecks: 0 })).toMatchObject({
        action: 'give-up',
        payment: { legCheckAt: null, legChecks: 0 },
      });
    });

    it('a timer on a payment without a pending leg is stopped, nothing is sent', () => {
      expect(decideLegCheck(paymentIn('completed', { legCheckAt: seconds(-1) }), AT, POLICY)).toMatchObject({ action: 'stray-timer', payment: { legCheckAt: null } });
      expect(decideLegCheck(paymentIn('debit_pending', { debitRequestId: null, legCheckAt: seconds(-1) }), AT, POLICY)).toMatchObject({
        action: 'stray-timer',
      });
    });
  });
});
