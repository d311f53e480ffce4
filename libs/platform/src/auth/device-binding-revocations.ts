import { HttpStatus, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DeviceBindingRevocationsPage, INTERNAL_OPERATIONS, PROBLEM_CODES } from '@kirim/contracts';
import type { InternalHttpClient } from '../service-auth/internal-http-client';
import { ProblemException } from '../http/problem-details';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from './jwt.constants';

/**
 * Whether a device binding has been revoked (a newer device bound, a refresh token reused). The
 * guard asks it for every device-bound token. identity answers from its own database; the other
 * services from identity's revocation feed (RevocationFeedPoller).
 */
export abstract class DeviceBindingRevocations {
  /** Throws a 503 ProblemException when the answer cannot be known within the stated bound. */
  abstract isRevoked(bindingId: string): Promise<boolean>;
}

export interface RevocationFeedOptions {
  /** Reads identity's internal list-device-binding-revocations with this service's own token. */
  readonly client: Pick<InternalHttpClient, 'call'>;
  /** How often the feed is read: the usual bound on how long a revoked token still passes. */
  readonly pollIntervalMs: number;
  /**
   * How old the last successful read may be before device-bound tokens are refused (503): the
   * worst-case bound, when identity cannot be reached. Fail closed rather than trust stale data.
   */
  readonly maxStalenessMs: number;
  readonly now?: () => number;
}

export const DEFAULT_REVOCATION_POLL_INTERVAL_MS = 2_000;
export const DEFAULT_REVOCATION_MAX_STALENESS_MS = 30_000;

/**
 * Polls identity's revocation feed and keeps the revoked binding ids in memory. Each replica polls
 * on its own (the feed is a read of an append-only table, cheap for identity). A revoked binding is
 * forgotten MAX_ACCESS_TOKEN_TTL_SECONDS (+1 min) after its revocation: by then every access token
 * issued to it has expired, and identity issues none after revocation.
 */
@Injectable()
export class RevocationFeedPoller extends DeviceBindingRevocations implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationFeedPoller.name);
  private readonly revoked = new Map<string, number>();
  private cursor: string | null = null;
  private lastSuccessAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private failing = false;
  private readonly now: () => number;

  constructor(private readonly options: RevocationFeedOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  onModuleInit(): void {
    void this.pollOnce();
    this.timer = setInterval(() => void this.pollOnce(), this.options.pollIntervalMs);
    // A poll timer must not keep a process alive that is otherwise done (tests, shutdown).
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async isRevoked(bindingId: string): Promise<boolean> {
    if (!this.isFresh()) await this.pollOnce();
    if (!this.isFresh()) {
      throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'Token revocations cannot be checked right now.');
    }
    return this.revoked.has(bindingId.toLowerCase());
  }

  /** Reads every page after the cursor; concurrent callers share one read. */
  pollOnce(): Promise<void> {
    this.inFlight ??= this.readFeed().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private isFresh(): boolean {
    return this.lastSuccessAt !== null && this.now() - this.lastSuccessAt <= this.options.maxStalenessMs;
  }

  private async readFeed(): Promise<void> {
    const startedAt = this.now();
    try {
      for (let page = 0; page < 100; page += 1) {
        const answer = await this.options.client.call(
          INTERNAL_OPERATIONS.LIST_DEVICE_BINDING_REVOCATIONS,
          { query: this.cursor !== null ? { after: this.cursor } : {}, timeoutMs: 5_000 },
          DeviceBindingRevocationsPage,
        );
        // The client validated the page against the contract: a malformed page is a failed read, never a partial one.
        if (!answer.ok) throw new Error(answer.kind === 'refused' ? `the revocation feed answered ${answer.status} ${answer.problem.code}` : answer.reason);
        for (const entry of answer.value.revocations) this.revoked.set(entry.bindingId.toLowerCase(), Date.parse(entry.revokedAt));
        this.cursor = answer.value.cursor;
        if (!answer.value.hasMore) break;
      }
      // Fresh as of when the read started: a revocation committed during the read may be missed.
      this.lastSuccessAt = startedAt;
      this.forgetExpired();
      if (this.failing) this.logger.log('revocation feed readable again');
      this.failing = false;
    } catch (error: unknown) {
      if (!this.failing) this.logger.warn(`revocation feed unreadable: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
    }
  }

  private forgetExpired(): void {
    const horizon = this.now() - (MAX_ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
    for (const [bindingId, revokedAt] of this.revoked) if (revokedAt < horizon) this.revoked.delete(bindingId);
  }
}
