import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ExpireCollectRequestsUseCase } from './expire-collect-requests.use-case';

/** Injection token of the poller's interval. */
export const COLLECT_EXPIRY_INTERVAL_MS = Symbol('COLLECT_EXPIRY_INTERVAL_MS');

/**
 * How often the collect requests' expiry is written. Expiries are in whole minutes and a request
 * past its expiry already reads as expired, so a few seconds behind costs nothing.
 */
export const DEFAULT_COLLECT_EXPIRY_INTERVAL_MS = 5_000;

/**
 * Every interval: a pass of ExpireCollectRequestsUseCase (due requests written expired, U69). One
 * pass at a time per process; every replica may run one (the pass skips rows another holds); a
 * failed pass is logged and the next tick tries again. Started at bootstrap, stopped (waiting for
 * the pass in progress) before the database closes.
 */
@Injectable()
export class CollectExpiryPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CollectExpiryPoller.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly expireCollectRequests: ExpireCollectRequestsUseCase,
    @Inject(COLLECT_EXPIRY_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    // The poller alone must not keep the process alive.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Starts a pass unless one is still running; resolves when it ends (never rejects). */
  tick(): Promise<void> {
    this.running ??= this.expireCollectRequests
      .execute()
      .then((expired) => {
        if (expired > 0) this.logger.log(`expired ${expired} collect request(s) (U69)`);
      })
      // The error's name and message only: a query error's parameters could carry request data.
      .catch((error: unknown) => this.logger.warn(`collect expiry pass failed, will retry: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
