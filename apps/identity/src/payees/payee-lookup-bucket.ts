/*
 * The anti-scan token bucket of payee lookups, modelled on Pix's directory (DICT): Banco Central do
 * Brasil's "Manual de Segurança do DICT" limits each end user's key lookups with a token bucket in
 * which a lookup that finds a key costs 1 token, one that finds none costs 20, and the bucket refills
 * at 2 tokens a minute up to 100. A client looking up its contacts hardly notices; one walking through
 * phone numbers mostly misses and runs dry after five misses, then gets one more try every ten minutes.
 * The numbers are configuration (identity.config.ts); these are the defaults.
 *
 * These functions are the arithmetic; the PostgreSQL adapter performs the same in one SQL statement
 * per lookup, so replicas share each user's bucket (docs/payment-addresses.md).
 */

export interface PayeeLookupBucketPolicy {
  /** Most tokens a bucket holds, and what a new one starts with. */
  readonly capacity: number;
  /** Tokens added per minute, continuously (2/min: one every 30 s). */
  readonly refillPerMinute: number;
  /** Cost of a lookup that found the payee. */
  readonly hitCost: number;
  /** Cost of a lookup that found nobody (404): the scanner's usual outcome, so it costs more. */
  readonly missCost: number;
}

/** Injection token of the policy (an interface has no runtime value to inject by). */
export const PAYEE_LOOKUP_BUCKET_POLICY = Symbol('PAYEE_LOOKUP_BUCKET_POLICY');

export const PIX_DICT_BUCKET_DEFAULTS: PayeeLookupBucketPolicy = { capacity: 100, refillPerMinute: 2, hitCost: 1, missCost: 20 };

/** A stored bucket: its level when last touched. */
export interface StoredBucket {
  readonly tokens: number;
  readonly refilledAt: Date;
}

/** The level at `now`: the stored level plus what refilled since, at most the capacity; a new bucket is full. */
export function bucketLevelAt(stored: StoredBucket | null, now: Date, policy: PayeeLookupBucketPolicy): number {
  if (stored === null) return policy.capacity;
  // A replica whose clock is behind must not drain the bucket: time never runs backwards here.
  const elapsedSeconds = Math.max(0, (now.getTime() - stored.refilledAt.getTime()) / 1000);
  return Math.min(policy.capacity, stored.tokens + (elapsedSeconds * policy.refillPerMinute) / 60);
}

/**
 * Whole seconds until the bucket holds `needed` tokens again (the Retry-After value): at least 1, as
 * HTTP's Retry-After counts whole seconds and "0" would invite an immediate retry.
 */
export function secondsUntilLevel(level: number, needed: number, policy: PayeeLookupBucketPolicy): number {
  const missing = needed - level;
  if (missing <= 0) return 1;
  return Math.max(1, Math.ceil((missing * 60) / policy.refillPerMinute - 1e-9));
}
