/** How a failed delivery is retried: exponential backoff with full jitter, capped, N attempts at most. */
export interface RetryPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
}

/**
 * The wait before the next attempt after `attempt` attempts failed (attempt >= 1): a uniformly random
 * time between 0 and min(max, base * 2^(attempt-1)) ("full jitter"). Full jitter spreads the retries
 * of many deliveries that failed together (an endpoint's outage) instead of sending them back in a
 * wave. An endpoint's Retry-After is honoured, but never beyond the cap: a receiver cannot park a
 * delivery for a day. `random` is injected so tests can pin it (Math.random in production: this
 * is load spreading, not security).
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const jittered = Math.floor(clampUnit(random()) * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(Math.max(retryAfterMs, 0), policy.maxDelayMs));
}

/** random() is [0, 1) by contract; a fake that strays must not make a negative or over-cap delay. */
function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 0.999_999 : value;
}

/**
 * A Retry-After header (RFC 9110 §10.2.3) as milliseconds from `now`: delay-seconds or an HTTP date.
 * Anything else is ignored (undefined), never an error.
 */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/[A-Za-z]/.test(value)) return undefined;
  return Math.max(at - now.getTime(), 0);
}
