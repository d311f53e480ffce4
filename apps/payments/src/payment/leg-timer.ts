import { createHash } from 'node:crypto';
import { ResultCode } from '@kirim/contracts';
import type { SchemeProfile, StatusCheckPacing } from '../limits/scheme-profile';
import { Payment } from './payment';
import { BankLegRequestEvent, isLegPending, owesReversal, PaymentAlert, PaymentEvent, pendingLegRequest, pendingRequestId } from './payment-state-machine';
import { reversalDueBy } from './reversal-deadline';

/**
 * The payment's timer and deadline (docs/payment-lifecycle.md), as pure rules over the scheme
 * profile; the state machine stays unaware of time, and PaymentTransitionStep applies these to
 * what it returns. One timer column serves every wait:
 *
 * - Entering a pending leg (debit, credit, reversal; or a new requestId in it) starts the timer at
 *   the leg's first status check: `firstAfter` min..max after the request, spread per leg by a hash
 *   of its requestId so a burst of payments does not check all at once. `legChecks = 0`.
 * - When it is due, the leg's command is re-sent unchanged (same requestId: the bank moves money at
 *   most once per requestId and answers again with what it recorded), `legChecks` counts it, and
 *   the next check waits the profile's `thenAfter` wait; after the last check, the settle time.
 * - Due after the last check and the settle time: the leg gets the profile's deemed outcome.
 * - Entering `reversal_failed` sets the retry: `retryAfter[attempts - 1]` later; with the retries
 *   used up there is no timer, and an operator is alerted.
 * - Any other state stops the timer. `legChecks` stays as a record of how many checks the last
 *   leg needed.
 *
 * Entering a state that owes the payer a reversal sets `reversalDueBy` (RBI's T+1) once.
 */
export type TimerProfile = Pick<SchemeProfile, 'timeZone' | 'statusChecks' | 'deemedOutcomes' | 'reversals'>;

export interface TimedPayment {
  readonly payment: Payment;
  readonly alerts: readonly PaymentAlert[];
}

/** Status checks per leg: the first, then one per `thenAfter` wait. */
export function statusChecksPerLeg(pacing: StatusCheckPacing): number {
  return 1 + pacing.thenAfterMs.length;
}

/**
 * When the first status check of the leg `requestId` comes, after its request: within the profile's
 * min..max, the same for the same leg every time (a restart does not move it), spread evenly over
 * legs by the first 32 bits of a SHA-256 of the id.
 */
export function firstCheckDelayMs(requestId: string, pacing: StatusCheckPacing): number {
  const span = pacing.firstAfterMaxMs - pacing.firstAfterMinMs;
  const fraction = createHash('sha256').update(requestId).digest().readUInt32BE(0) / 2 ** 32;
  return pacing.firstAfterMinMs + Math.floor(fraction * (span + 1));
}

/**
 * Keeps the timer and the reversal deadline in step with a change from `before` (null: a new
 * payment) to `after` at `at`.
 */
export function withTimers(before: Payment | null, after: Payment, at: Date, profile: TimerProfile): TimedPayment {
  let payment = after;
  const alerts: PaymentAlert[] = [];
  if (isLegPending(after.status)) {
    const requestId = pendingRequestId(after);
    const newLeg = before === null || before.status !== after.status || pendingRequestId(before) !== requestId;
    if (newLeg && requestId !== null) {
      payment = { ...payment, legCheckAt: new Date(at.getTime() + firstCheckDelayMs(requestId, profile.statusChecks)), legChecks: 0 };
    }
  } else if (after.status === 'reversal_failed') {
    if (before?.status !== 'reversal_failed') {
      const retryAt = reversalRetryAt(after, at, profile);
      payment = { ...payment, legCheckAt: retryAt, legChecks: 0 };
      if (retryAt === null) {
        alerts.push({
          name: 'reversal-needs-operator',
          message: `the reversal failed ${after.reversalAttempts} times, its automatic retries are used up: an operator must retry it or confirm the money was returned`,
        });
      }
    }
  } else if (payment.legCheckAt !== null) {
    payment = { ...payment, legCheckAt: null };
  }
  if (owesReversal(after.status) && payment.reversalDueBy === null) {
    payment = { ...payment, reversalDueBy: reversalDueBy(at, profile.timeZone, profile.reversals.dueDaysAfterFailure) };
  }
  return { payment, alerts };
}

/** When a payment whose reversal just failed (attempt n = reversalAttempts) is retried; null once the retries are used up. */
export function reversalRetryAt(payment: Payment, at: Date, profile: Pick<SchemeProfile, 'reversals'>): Date | null {
  const waits = profile.reversals.retryAfterMs;
  const attempt = Math.max(payment.reversalAttempts, 1);
  return attempt <= waits.length ? new Date(at.getTime() + waits[attempt - 1]) : null;
}

export type TimerDecision =
  /** Re-send `request` (the original command) and store `payment` (one more check, next time set). */
  | { readonly action: 'resend'; readonly payment: Payment; readonly request: BankLegRequestEvent }
  /** Checks used up and settled: apply `event` (the profile's deemed outcome) through the transition step. */
  | { readonly action: 'deem'; readonly event: Extract<PaymentEvent, { kind: 'leg-deemed' }> }
  /** A failed reversal's retry is due. */
  | { readonly action: 'retry-reversal' }
  /** A timer on a payment with nothing to wait for (a bug): store `payment` with the timer stopped. */
  | { readonly action: 'stray-timer'; readonly payment: Payment };

/**
 * What to do with a payment whose timer is due at `at`. A status check is not a change of the
 * payment itself, so `updatedAt` (shown to users as the last state change) is left alone.
 */
export function decideDueTimer(payment: Payment, at: Date, profile: TimerProfile): TimerDecision {
  if (payment.status === 'reversal_failed') return { action: 'retry-reversal' };
  const request = pendingLegRequest(payment);
  if (request === null) return { action: 'stray-timer', payment: { ...payment, legCheckAt: null } };
  const pacing = profile.statusChecks;
  const checks = statusChecksPerLeg(pacing);
  if (payment.legChecks >= checks) {
    return { action: 'deem', event: { kind: 'leg-deemed', requestId: request.data.requestId, resultCode: deemedCode(payment, profile), at } };
  }
  const legChecks = payment.legChecks + 1;
  // After the last check the timer waits the settle time, then the outcome is deemed.
  const wait = legChecks < checks ? pacing.thenAfterMs[legChecks - 1] : profile.deemedOutcomes.settleMs;
  return { action: 'resend', payment: { ...payment, legChecks, legCheckAt: new Date(at.getTime() + wait) }, request };
}

function deemedCode(payment: Payment, profile: TimerProfile): ResultCode {
  const { deemedOutcomes } = profile;
  switch (payment.status) {
    case 'debit_pending':
      return deemedOutcomes.debit;
    case 'credit_pending':
      return deemedOutcomes.credit;
    case 'reversal_pending':
      return deemedOutcomes.reversal;
    case 'created':
    case 'debited':
    case 'completed':
    case 'debit_failed':
    case 'credit_failed':
    case 'reversal_failed':
    case 'reversed':
      // decideDueTimer asks only for a payment with a pending leg.
      throw new Error(`no deemed outcome for a payment in ${payment.status}`);
  }
}
