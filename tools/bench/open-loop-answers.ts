/**
 * What an open-loop client does with each answer to POST /v1/payments. The same careful client as the
 * closed-loop bench (one Idempotency-Key and one PIN block for every attempt, so a payment accepted
 * behind a lost answer is still known), with one difference: load the stack refuses is counted, not
 * queued. An open-loop client that retried every refusal until it got through would turn the
 * stack's backpressure into a growing queue on the client's side and hide it.
 *
 * - 202 / 200: accepted (200 is the replay of an attempt whose answer was lost);
 * - 503 with Retry-After: the stack sheds load (it refuses new payments while its saga lags). Sent
 *   once more after Retry-After (at most SHED_WAIT_CAP_MS); refused again, the payment is SHED:
 *   counted, never retried again. A refusal is an answer: nothing was accepted by that attempt. But
 *   an earlier attempt that got no answer may still be committing (the edge's 504 does not stop
 *   payments): such a payment is never counted shed; it is sent again, with the same key, until an
 *   answer settles it (a replay is let through the shedding) or the patience runs out;
 * - 429 with or without Retry-After: the payer's payee-lookup bucket (or the edge's rate limit) is
 *   empty; sent again after Retry-After, THROTTLED_RETRIES times at most, then refused;
 * - 401: the access token expired or was refused; the session is renewed and the payment sent again;
 * - any other 4xx: refused for good;
 * - a network failure, or a 5xx without Retry-After (the edge's 502/504 while a service restarts):
 *   no answer; the payment may have been accepted, so it is sent again with backoff until the
 *   patience runs out (then "unanswered", which fails the run).
 */

export const SHED_RETRIES = 1;
export const THROTTLED_RETRIES = 3;
export const SHED_WAIT_CAP_MS = 5_000;

export type PayAnswer =
  | { readonly kind: 'answered'; readonly status: number; readonly retryAfter: string | undefined; readonly problemCode?: string; readonly resultCode?: string }
  | { readonly kind: 'no-answer'; readonly problem: string };

/** What happened to the payment so far. */
export interface AttemptHistory {
  /** Attempts made, this one included. */
  readonly attempts: number;
  /** 503 + Retry-After answers before this one. */
  readonly shedAnswers: number;
  /** 429 answers before this one. */
  readonly throttledAnswers: number;
  /** True once the payment has been sent again without an answer for longer than the patience. */
  readonly patienceSpent: boolean;
  /** An earlier attempt got no answer (a network failure, a 5xx without Retry-After): it may have been accepted. */
  readonly fateUnknown: boolean;
}

export type NextStep =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'shed' }
  | { readonly kind: 'unanswered'; readonly problem: string }
  | { readonly kind: 'retry'; readonly afterMs: number; readonly because: 'shed' | 'throttled' | 'unauthorized' | 'no-answer' };

/** Seconds of a Retry-After header (delta-seconds only: kirim never sends a date), in ms; undefined when absent or not a number. */
export function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** `backoff(attempt)`: the wait before the next attempt after `attempt` attempts without an answer. */
export function nextStep(answer: PayAnswer, history: AttemptHistory, backoff: (attempt: number) => number): NextStep {
  if (answer.kind === 'no-answer') {
    return history.patienceSpent ? { kind: 'unanswered', problem: answer.problem } : { kind: 'retry', afterMs: backoff(history.attempts), because: 'no-answer' };
  }
  const { status } = answer;
  if (status === 202 || status === 200) return { kind: 'accepted' };
  const waitMs = retryAfterMs(answer.retryAfter);
  if (status === 503 && waitMs !== undefined) {
    if (history.fateUnknown) {
      return history.patienceSpent ? { kind: 'unanswered', problem: 'shed, after an attempt that got no answer' } : { kind: 'retry', afterMs: Math.min(waitMs, SHED_WAIT_CAP_MS), because: 'shed' };
    }
    return history.shedAnswers < SHED_RETRIES ? { kind: 'retry', afterMs: Math.min(waitMs, SHED_WAIT_CAP_MS), because: 'shed' } : { kind: 'shed' };
  }
  if (status === 429) {
    if (history.throttledAnswers < THROTTLED_RETRIES) return { kind: 'retry', afterMs: Math.min(waitMs ?? 1000, SHED_WAIT_CAP_MS), because: 'throttled' };
    return { kind: 'refused', code: refusalCode(answer) };
  }
  if (status === 401) {
    return history.patienceSpent ? { kind: 'unanswered', problem: 'answered 401 after the session was renewed' } : { kind: 'retry', afterMs: 0, because: 'unauthorized' };
  }
  if (status >= 500) {
    return history.patienceSpent ? { kind: 'unanswered', problem: `answered ${status}` } : { kind: 'retry', afterMs: backoff(history.attempts), because: 'no-answer' };
  }
  return { kind: 'refused', code: refusalCode(answer) };
}

/** "422 limit-exceeded (U16)": the status, the problem's code and its result code, for the refusal tally. */
export function refusalCode(answer: { readonly status: number; readonly problemCode?: string; readonly resultCode?: string }): string {
  return `${answer.status} ${answer.problemCode ?? 'no-code'}${answer.resultCode ? ` (${answer.resultCode})` : ''}`;
}
