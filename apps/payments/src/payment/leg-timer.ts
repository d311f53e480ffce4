import type { BankLegRequested } from '@kirim/contracts';
import type { OutgoingEvent } from '@kirim/messaging';
import { Payment } from './payment';
import { isLegPending, pendingLegRequest } from './payment-state-machine';

/**
 * The leg timer (DESIGN "The payment": "a leg whose answer never comes: pending -> status checks ->
 * one of the above; never a second debit"). Pure rules; the state machine stays unaware of time
 * budgets, and the use cases apply these to what it returns.
 *
 * - Entering `debit_pending`, `credit_pending` or `reversal_pending` starts the timer:
 *   `legCheckAt = at + timeout`, `legChecks = 0`.
 * - Leaving a pending state stops it: `legCheckAt = null` (`legChecks` stays as a record of how
 *   many checks the last leg needed).
 * - When the timer is due, the pending leg's command is re-sent unchanged (same requestId: the
 *   bank moves money at most once per requestId and answers again with what it recorded), and the
 *   next check waits `min(timeout * 2^legChecks, 5 min)`, counting the check just made.
 * - A due payment that already had `maxChecks` checks gets no more: the timer stops and an
 *   operator is told. A late answer is still applied as usual.
 */
export interface LegTimerPolicy {
  /** How long a leg may wait for its answer before the first status check (PAYMENT_LEG_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Status checks per leg before handing the payment to an operator (PAYMENT_MAX_LEG_CHECKS). */
  readonly maxChecks: number;
}

/** Injection token of the LegTimerPolicy built from the config. */
export const LEG_TIMER_POLICY = Symbol('LEG_TIMER_POLICY');

/** The longest wait between two status checks of one leg. */
export const MAX_LEG_CHECK_BACKOFF_MS = 5 * 60 * 1000;

/**
 * Keeps the timer in step with a transition from `before` (null: a new payment) to `after`:
 * a new pending leg starts it afresh, a non-pending state stops it, the same state leaves it.
 */
export function withLegTimer(before: Payment | null, after: Payment, at: Date, policy: LegTimerPolicy): Payment {
  if (!isLegPending(after.status)) return after.legCheckAt === null ? after : { ...after, legCheckAt: null };
  if (before !== null && before.status === after.status) return after;
  return { ...after, legCheckAt: new Date(at.getTime() + policy.timeoutMs), legChecks: 0 };
}

/** The wait after the `checks`-th status check of a leg: timeout * 2^checks, at most 5 minutes. */
export function legCheckBackoffMs(checks: number, policy: LegTimerPolicy): number {
  // The exponent is capped so the product stays finite; the cap on the result is what matters.
  return Math.min(policy.timeoutMs * 2 ** Math.min(checks, 30), MAX_LEG_CHECK_BACKOFF_MS);
}

export type LegCheckDecision =
  /** Re-send `request` (the original command) and store `payment` (one more check, next time set). */
  | { readonly action: 'resend'; readonly payment: Payment; readonly request: OutgoingEvent<BankLegRequested> }
  /** Checks exhausted: store `payment` (timer stopped); an operator must find out what the bank did. */
  | { readonly action: 'give-up'; readonly payment: Payment }
  /** A timer on a payment with no pending leg (a bug): store `payment` with the timer stopped. */
  | { readonly action: 'stray-timer'; readonly payment: Payment };

/**
 * What to do with a payment whose timer is due at `at`. Timer bookkeeping is not a change of the
 * payment itself, so `updatedAt` (shown to users as the last state change) is left alone.
 */
export function decideLegCheck(payment: Payment, at: Date, policy: LegTimerPolicy): LegCheckDecision {
  const request = pendingLegRequest(payment);
  if (request === null) return { action: 'stray-timer', payment: { ...payment, legCheckAt: null } };
  if (payment.legChecks >= policy.maxChecks) return { action: 'give-up', payment: { ...payment, legCheckAt: null } };
  const legChecks = payment.legChecks + 1;
  return {
    action: 'resend',
    payment: { ...payment, legChecks, legCheckAt: new Date(at.getTime() + legCheckBackoffMs(legChecks, policy)) },
    request,
  };
}
