import { LatencyRecorder, LatencySummary } from './latency';

/**
 * A step's figures, measured from each payment's SCHEDULED moment, not from when the client got
 * round to sending it: a stack (or a client) that falls behind shows as latency, never as a quieter
 * load (no coordinated omission).
 */

/** One sent payment's moments, epoch ms (fractional where the client measured them). */
export interface TimedPayment {
  /** When it was due. */
  readonly scheduledAt: number;
  /** When the client had its acceptance (202, or 200 for a replay); absent when never accepted. */
  readonly acceptedAt?: number;
  /** When payments made it final (its updatedAt); absent when not final. */
  readonly finalAt?: number;
  /** Its final status by the API (completed, debit_failed, reversed), or whatever it last was. */
  readonly status?: string | null;
}

export interface StepFigures {
  /** The steady window of the schedule, in seconds after the step's start. */
  readonly window: { readonly fromSeconds: number; readonly toSeconds: number };
  /** Payments due inside the window: the latency figures are theirs. */
  readonly scheduledInWindow: number;
  /** What the stack sustained: steadyCompletionRate over the step's completions. */
  readonly completedPerSecond: number;
  /** The completions that rate counts, and the seconds they took. */
  readonly steadyCompletions: { readonly completions: number; readonly seconds: number };
  /** Every completed payment of the step. */
  readonly completed: number;
  readonly scheduledToAccepted: LatencySummary;
  /** To the final moment, whatever the final status (a failed debit is an answer too). */
  readonly scheduledToFinal: LatencySummary;
  readonly acceptedToFinal: LatencySummary;
}

export function stepFigures(payments: readonly TimedPayment[], startAt: number, window: { readonly fromMs: number; readonly toMs: number }): StepFigures {
  const from = startAt + window.fromMs;
  const to = startAt + window.toMs;
  const scheduledToAccepted = new LatencyRecorder();
  const scheduledToFinal = new LatencyRecorder();
  const acceptedToFinal = new LatencyRecorder();
  let scheduledInWindow = 0;
  const completions: number[] = [];
  for (const payment of payments) {
    if (payment.status === 'completed' && payment.finalAt !== undefined) completions.push(payment.finalAt);
    if (payment.scheduledAt < from || payment.scheduledAt >= to) continue;
    scheduledInWindow++;
    if (payment.acceptedAt !== undefined) scheduledToAccepted.recordMs(payment.acceptedAt - payment.scheduledAt);
    if (payment.finalAt !== undefined) {
      scheduledToFinal.recordMs(payment.finalAt - payment.scheduledAt);
      if (payment.acceptedAt !== undefined) acceptedToFinal.recordMs(payment.finalAt - payment.acceptedAt);
    }
  }
  const steady = steadyCompletionRate(completions);
  return {
    window: { fromSeconds: window.fromMs / 1000, toSeconds: window.toMs / 1000 },
    scheduledInWindow,
    completedPerSecond: steady.perSecond,
    steadyCompletions: { completions: steady.completions, seconds: steady.seconds },
    completed: completions.length,
    scheduledToAccepted: scheduledToAccepted.summary(),
    scheduledToFinal: scheduledToFinal.summary(),
    acceptedToFinal: acceptedToFinal.summary(),
  };
}

/** The share of completions left out at each end of steadyCompletionRate. */
export const RAMP_SHARE = 0.1;

/**
 * Completed payments per second while the stack was in its stride: the completions' moments in
 * order, the first and last tenth left out (the ramp-up; stragglers such as a leg waiting for a
 * status check), and the completions between the two ends over the time between them.
 *
 * Counted over completions, not over a fixed window of the schedule: a stack that keeps up completes
 * at the offered rate while the load lasts, and a stack that does not drains its backlog at its own
 * pace, after the schedule has ended if it lags by more than the step (a fixed window would then
 * count no completion at all). Either way this is the rate it sustained.
 */
export function steadyCompletionRate(finalAts: readonly number[]): { readonly perSecond: number; readonly completions: number; readonly seconds: number } {
  const sorted = [...finalAts].sort((a, b) => a - b);
  const trim = Math.floor(sorted.length * RAMP_SHARE);
  const first = trim;
  const last = sorted.length - 1 - trim;
  const seconds = last > first ? (sorted[last] - sorted[first]) / 1000 : 0;
  // n completions after the first one, over the time from the first to the last: n intervals.
  const perSecond = seconds > 0 ? Math.round(((last - first) / seconds) * 100) / 100 : 0;
  return { perSecond, completions: Math.max(0, last - first + 1), seconds: Math.round(seconds * 1000) / 1000 };
}

/** When the client itself fell behind its schedule, the figures are partly the client's: say so. */
export const SEND_LAG_P99_LIMIT_MS = 20;

export function clientFellBehind(sendLag: LatencySummary, preparedLate: number): boolean {
  return preparedLate > 0 || sendLag.p99Ms > SEND_LAG_P99_LIMIT_MS;
}
