/**
 * Per-client token buckets: the local stand-in for the Ingress's rate limits (in Kubernetes the
 * ingress controller limits per client IP; deploy/ configures it there). Hand-written because the
 * edge uses nothing but Node's `http` (see main.ts) and a token bucket is a dozen lines.
 */
export interface RateLimitSettings {
  /** Tokens added per second: the sustained request rate a client may keep up. */
  readonly ratePerSecond: number;
  /** Bucket size: how many requests a client may send at once after being idle. */
  readonly burst: number;
  /** At most this many clients are tracked; beyond it the longest-idle are forgotten (a full bucket). */
  readonly maxClients: number;
}

export type RateLimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export class ClientRateLimiter {
  // A Map iterates in insertion order; touching a client re-inserts it, so the first entries are the longest idle.
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly nowMs: () => number = () => Date.now(),
  ) {
    if (!(settings.ratePerSecond > 0) || !(settings.burst >= 1) || !(settings.maxClients >= 1)) {
      throw new Error('rate limit settings must be positive (rate > 0, burst >= 1, maxClients >= 1)');
    }
  }

  /** Takes one token from `client`'s bucket, or says how long until one is there. */
  take(client: string): RateLimitDecision {
    const now = this.nowMs();
    const bucket = this.refilled(client, now);
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    this.forgetIdleClients();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const secondsUntilToken = (1 - bucket.tokens) / this.settings.ratePerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(secondsUntilToken)) };
  }

  /** How many clients are tracked (for tests). */
  get trackedClients(): number {
    return this.buckets.size;
  }

  private refilled(client: string, now: number): Bucket {
    const bucket = this.buckets.get(client);
    if (!bucket) return { tokens: this.settings.burst, updatedAtMs: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedAtMs) / 1000;
    return { tokens: Math.min(this.settings.burst, bucket.tokens + elapsedSeconds * this.settings.ratePerSecond), updatedAtMs: now };
  }

  /** A forgotten client starts again with a full bucket, which it would have had after idling anyway. */
  private forgetIdleClients(): void {
    while (this.buckets.size > this.settings.maxClients) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) return;
      this.buckets.delete(oldest.value);
    }
  }
}
