import type { PaymentsConfig } from '../payments.config';

/**
 * Backpressure (docs/payment-lifecycle.md, "Backpressure"): whether a new payment is admitted, from
 * the saga's lag as last sampled. Pure, so the bound, the Retry-After and the stale sample are
 * decided the same way in every replica and in the tests.
 */

/** What admission holds the saga's lag to (PaymentsConfig, validated at boot). */
export interface AdmissionPolicy {
  /** New payments are refused while the lag is above this. */
  readonly maxLagMs: number;
  /** A refusal's Retry-After is never longer than this. */
  readonly maxRetryAfterSeconds: number;
  /** A sample older than this is not used: admission opens. */
  readonly sampleMaxAgeMs: number;
  /** A replica working on this many requests to start a payment refuses the next one at once. */
  readonly maxInFlight: number;
}

/** How long the saga lagged (never negative), and when this replica read it. */
export interface SagaLagSample {
  readonly lagSeconds: number;
  readonly sampledAt: Date;
}

export type AdmissionDecision =
  | { readonly admit: true; readonly why: 'within-bound' | 'no-fresh-sample' }
  | { readonly admit: false; readonly lagSeconds: number; readonly retryAfterSeconds: number };

/**
 * A sample this many sampling intervals old is stale. Long enough that a few slow reads of a busy
 * database keep the last value; short enough that a sampler that cannot read at all (the database
 * down, a broken query) refuses payers for seconds, not for as long as it stays broken.
 */
export const SAMPLE_INTERVALS_BEFORE_STALE = 20;

export function admissionPolicyOf(
  config: Pick<
    PaymentsConfig,
    'PAYMENT_ADMISSION_MAX_LAG_MS' | 'PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS' | 'PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS' | 'PAYMENT_ADMISSION_MAX_IN_FLIGHT'
  >,
): AdmissionPolicy {
  return {
    maxLagMs: config.PAYMENT_ADMISSION_MAX_LAG_MS,
    maxRetryAfterSeconds: config.PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS,
    sampleMaxAgeMs: SAMPLE_INTERVALS_BEFORE_STALE * config.PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS,
    maxInFlight: config.PAYMENT_ADMISSION_MAX_IN_FLIGHT,
  };
}

/**
 * Admit unless a fresh sample is over the bound. No fresh sample (none yet, or the sampler has not
 * read for `sampleMaxAgeMs`) admits: refusing on an old value would refuse without evidence, and
 * with the database down the use case fails on its own, writing nothing.
 */
export function decideAdmission(sample: SagaLagSample | null, now: Date, policy: AdmissionPolicy): AdmissionDecision {
  if (sample === null || now.getTime() - sample.sampledAt.getTime() > policy.sampleMaxAgeMs) return { admit: true, why: 'no-fresh-sample' };
  // In whole milliseconds, so a lag of exactly the bound plus n seconds is n, not n plus a rounding error.
  const overMs = Math.round(sample.lagSeconds * 1000) - policy.maxLagMs;
  if (overMs <= 0) return { admit: true, why: 'within-bound' };
  return { admit: false, lagSeconds: sample.lagSeconds, retryAfterSeconds: retryAfterSeconds(overMs, policy.maxRetryAfterSeconds) };
}

/**
 * Whole seconds (Retry-After takes no fraction) as far as the lag is over its bound, rounded up,
 * at least 1 and at most the cap: a backlog that ages a second per second while stuck, and drains
 * faster than that once moving, is back under the bound in about that long, and a long stall
 * still has clients ask again every few seconds (a refusal costs a read of memory).
 */
export function retryAfterSeconds(overMs: number, maxSeconds: number): number {
  return Math.min(maxSeconds, Math.max(1, Math.ceil(overMs / 1000)));
}
