import { EVENT_TYPES, PaymentStatus } from '@kirim/contracts';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, samplePayment, UPI_PROFILE } from '../testing/payment-fakes';
import { decideDueTimer, firstCheckDelayMs, reversalRetryAt, statusChecksPerLeg, TimerProfile, withTimers } from './leg-timer';
import { Payment } from './payment';

/** The UPI profile: first check 45-90 s after the request, then 600 s and 3000 s, settle 900 s; retries 60 s ... 21600 s. */
const PROFILE: TimerProfile = UPI_PROFILE;
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

describe('payment timers', () => {
  describe('the first status check (NPCI: 45 to 90 s after the request)', () => {
    it('falls within the profile range, the same for the same leg every time', () => {
      const delay = firstCheckDelayMs(DEBIT_ID, PROFILE.statusChecks);
      expect(delay).toBeGreaterThanOrEqual(45_000);
      expect(delay).toBeLessThanOrEqual(90_000);
      expect(firstCheckDelayMs(DEBIT_ID, PROFILE.statusChecks)).toBe(delay);
    });

    it('spreads a burst of legs over the range instead of checking them all at once', () => {
      const delays = Array.from({ length: 1000 }, (_, i) => firstCheckDelayMs(`0b6f7c1e-8a44-4c1e-9d2a-${i.toString().padStart(12, '0')}`, PROFILE.statusChecks));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(45_000);
      expect(Math.max(...delays)).toBeLessThanOrEqual(90_000);
      // Each of the nine 5-second slices of the range gets about its share (111 of 1000): no bunching.
      const perSlice = new Map<number, number>();
      for (const delay of delays) {
        const slice = Math.min(Math.floor((delay - 45_000) / 5000), 8);
        perSlice.set(slice, (perSlice.get(slice) ?? 0) + 1);
      }
      expect([...perSlice.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      for (const count of perSlice.values()) expect(count).toBeGreaterThan(60);
    });

    it('is exactly the minimum when the range is one value', () => {
      expect(firstCheckDelayMs(DEBIT_ID, { ...PROFILE.statusChecks, firstAfterMinMs: 3000, firstAfterMaxMs: 3000 })).toBe(3000);
    });
  });

  describe('withTimers', () => {
    it.each([
      ['debit_pending', DEBIT_ID],
      ['credit_pending', CREDIT_ID],
      ['reversal_pending', REVERSAL_ID],
    ] as const)('entering %s starts the timer at the first check of that leg, with no checks', (status, requestId) => {
      const expected = new Date(AT.getTime() + firstCheckDelayMs(requestId, PROFILE.statusChecks));
      const before = paymentIn('created', { legCheckAt: null, legChecks: 4 });
      expect(withTimers(before, paymentIn(status, { legChecks: 4 }), AT, PROFILE).payment).toMatchObject({ legCheckAt: expected, legChecks: 0 });
      expect(withTimers(null, paymentIn(status), AT, PROFILE).payment).toMatchObject({ legCheckAt: expected, legChecks: 0 });
    });

    it('a new pending leg restarts the timer even from another pending state', () => {
      const before = paymentIn('debit_pending', { legCheckAt: seconds(-100), legChecks: 3 });
      const after = paymentIn('credit_pending', { legCheckAt: seconds(-100), legChecks: 3 });
      expect(withTimers(before, after, AT, PROFILE).payment).toMatchObject({ legChecks: 0, legCheckAt: new Date(AT.getTime() + firstCheckDelayMs(CREDIT_ID, PROFILE.statusChecks)) });
    });

    it('staying in the same pending state with the same leg leaves the timer as it is', () => {
      const before = paymentIn('reversal_pending', { legCheckAt: seconds(40), legChecks: 2, reversalDueBy: seconds(86_400) });
      const after = { ...before, lateCreditAt: AT };
      expect(withTimers(before, after, AT, PROFILE)).toEqual({ payment: after, alerts: [] });
    });

    it.each(['created', 'debited', 'completed', 'debit_failed', 'reversed'] as const)('in %s the timer is stopped and the count of the last leg kept', (status) => {
      const before = paymentIn('credit_pending', { legCheckAt: seconds(40), legChecks: 2 });
      expect(withTimers(before, paymentIn(status, { legCheckAt: seconds(40), legChecks: 2 }), AT, PROFILE).payment).toMatchObject({ legCheckAt: null, legChecks: 2 });
    });

    it('a failed reversal is retried after the wait for its attempt: 60 s after the first, 300 s after the second', () => {
      const pending = paymentIn('reversal_pending', { legCheckAt: seconds(40), reversalDueBy: seconds(86_400) });
      expect(withTimers(pending, paymentIn('reversal_failed', { reversalAttempts: 1, legCheckAt: seconds(40), reversalDueBy: seconds(86_400) }), AT, PROFILE)).toEqual({
        payment: expect.objectContaining({ legCheckAt: seconds(60), legChecks: 0 }),
        alerts: [],
      });
      expect(withTimers(pending, paymentIn('reversal_failed', { reversalAttempts: 2, reversalDueBy: seconds(86_400) }), AT, PROFILE).payment.legCheckAt).toEqual(seconds(300));
    });

    it('after the last automatic retry there is no timer, and an operator is alerted', () => {
      const attempts = PROFILE.reversals.retryAfterMs.length + 1;
      const { payment, alerts } = withTimers(paymentIn('reversal_pending'), paymentIn('reversal_failed', { reversalAttempts: attempts, legCheckAt: seconds(5) }), AT, PROFILE);
      expect(payment.legCheckAt).toBeNull();
      expect(alerts.map((alert) => alert.name)).toEqual(['reversal-needs-operator']);
      expect(reversalRetryAt(paymentIn('reversal_failed', { reversalAttempts: attempts - 1 }), AT, PROFILE)).toEqual(seconds(21_600));
    });

    it('staying in reversal_failed (a late decline, a late credit) leaves the retry timer alone', () => {
      const failed = paymentIn('reversal_failed', { reversalAttempts: 1, legCheckAt: seconds(33), reversalDueBy: seconds(86_400) });
      expect(withTimers(failed, { ...failed, reversalFailure: 'declined' }, AT, PROFILE).payment.legCheckAt).toEqual(seconds(33));
    });

    it('sets the T+1 deadline when a reversal becomes owed, once: 2026-11-28 10:00 UTC is 15:30 IST, due before 30 Nov 00:00 IST', () => {
      const owed = withTimers(paymentIn('credit_pending'), paymentIn('credit_failed'), AT, PROFILE).payment;
      expect(owed.reversalDueBy).toEqual(new Date('2026-11-29T18:30:00.000Z'));
      const later = new Date('2026-11-29T20:00:00.000Z');
      expect(withTimers(owed, paymentIn('reversal_pending', { reversalDueBy: owed.reversalDueBy }), later, PROFILE).payment.reversalDueBy).toEqual(owed.reversalDueBy);
      expect(withTimers(paymentIn('credit_pending'), paymentIn('completed'), AT, PROFILE).payment.reversalDueBy).toBeNull();
    });
  });

  describe('decideDueTimer', () => {
    it('re-sends the pending debit unchanged and waits the next gap of the profile', () => {
      const payment = paymentIn('debit_pending', { legCheckAt: AT, legChecks: 0 });
      const decision = decideDueTimer(payment, AT, PROFILE);
      if (decision.action !== 'resend') throw new Error(`expected resend, got ${decision.action}`);
      expect(decision.request.type).toBe(EVENT_TYPES.BANK_DEBIT_REQUESTED);
      expect(decision.request.data).toMatchObject({ requestId: DEBIT_ID, purpose: 'payment', ...PAYER });
      expect(decision.payment).toMatchObject({ legChecks: 1, legCheckAt: seconds(600), updatedAt: payment.updatedAt });
    });

    it('paces the checks as the profile says: 3 in all, then the settle time, then the deemed outcome', () => {
      expect(statusChecksPerLeg(PROFILE.statusChecks)).toBe(3);
      const next = (legChecks: number): Date | null => {
        const decision = decideDueTimer(paymentIn('credit_pending', { legCheckAt: AT, legChecks }), AT, PROFILE);
        return decision.action === 'resend' ? decision.payment.legCheckAt : null;
      };
      expect([next(0), next(1), next(2)]).toEqual([seconds(600), seconds(3000), seconds(900)]);
    });

    it.each([
      ['debit_pending', DEBIT_ID, 'U67'],
      ['credit_pending', CREDIT_ID, 'U68'],
      ['reversal_pending', REVERSAL_ID, 'RB'],
    ] as const)('%s after its last check and the settle time: the profile deems leg %s failed with %s', (status, requestId, resultCode) => {
      expect(decideDueTimer(paymentIn(status, { legCheckAt: AT, legChecks: 3 }), AT, PROFILE)).toEqual({
        action: 'deem',
        event: { kind: 'leg-deemed', requestId, resultCode, at: AT },
      });
    });

    it('re-sends a reversal to the payer, under its own requestId', () => {
      const decision = decideDueTimer(paymentIn('reversal_pending', { legCheckAt: AT }), AT, PROFILE);
      expect(decision).toMatchObject({ action: 'resend', request: { type: EVENT_TYPES.BANK_CREDIT_REQUESTED, data: { requestId: REVERSAL_ID, purpose: 'reversal', ...PAYER } } });
      const credit = decideDueTimer(paymentIn('credit_pending', { legCheckAt: AT }), AT, PROFILE);
      expect(credit).toMatchObject({ action: 'resend', request: { data: { requestId: CREDIT_ID, ...PAYEE } } });
    });

    it('a due failed reversal is retried', () => {
      expect(decideDueTimer(paymentIn('reversal_failed', { legCheckAt: AT }), AT, PROFILE)).toEqual({ action: 'retry-reversal' });
    });

    it('a timer with nothing to wait for is stray and stopped', () => {
      expect(decideDueTimer(paymentIn('debit_pending', { debitRequestId: null, legCheckAt: AT }), AT, PROFILE)).toMatchObject({ action: 'stray-timer', payment: { legCheckAt: null } });
      expect(decideDueTimer(paymentIn('completed', { legCheckAt: AT }), AT, PROFILE)).toMatchObject({ action: 'stray-timer' });
    });
  });
});
