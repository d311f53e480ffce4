import { Injectable } from '@nestjs/common';

/** Counts attempts per bucket and window; shared by every replica (PostgreSQL). */
export abstract class AttemptCounterRepository {
  /** Adds one attempt to (bucket, window) and returns the window's count including it. */
  abstract increment(bucket: string, windowStart: Date, windowEnd: Date): Promise<number>;
}

export interface AttemptLimit {
  /** Names the counter, e.g. "bind-per-phone"; the subject is appended. */
  readonly name: string;
  readonly max: number;
  readonly windowSeconds: number;
}

export type AttemptDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Fixed windows: simple and one UPSERT per attempt. At a window boundary a caller may get up to
 * twice the limit in a short burst; for slowing down SMS-binding abuse that is acceptable. The
 * attempt is counted even when it is then refused for another reason, and even when refused here:
 * hammering keeps the window full.
 */
@Injectable()
export class AttemptLimiter {
  constructor(private readonly counters: AttemptCounterRepository) {}

  async attempt(limit: AttemptLimit, subject: string, now: Date): Promise<AttemptDecision> {
    const windowMs = limit.windowSeconds * 1000;
    const start = Math.floor(now.getTime() / windowMs) * windowMs;
    const end = start + windowMs;
    const count = await this.counters.increment(`${limit.name}:${subject}`, new Date(start), new Date(end));
    if (count <= limit.max) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((end - now.getTime()) / 1000)) };
  }
}
