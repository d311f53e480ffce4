import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';

export interface IntervalPollerOptions {
  /** Time between ticks; the first pass runs one interval after start. */
  readonly intervalMs: number;
  /** Starts the warning a failed pass logs, e.g. 'timer pass failed, will retry'. */
  readonly failureMessage: string;
}

/**
 * Runs `pass()` every interval from application bootstrap until shutdown: the frame of payments'
 * background jobs (leg timers, collect expiry, scheduled reconciliation). Their state lives in the
 * database, so every replica may run one and a restart loses nothing; the frame guarantees:
 * - one pass at a time per process: a tick while a pass still runs starts none (a slow database
 *   must not pile up passes);
 * - a failed pass is logged (the error's name and message only: a query error's parameters could
 *   carry payment data) and the next tick tries again;
 * - shutdown stops the ticks and waits for the pass in progress, so it ends before the database
 *   closes;
 * - the timer does not keep the process alive on its own.
 */
export abstract class IntervalPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  protected constructor(private readonly schedule: IntervalPollerOptions) {
    // The subclass's name, as each poller logged under before.
    this.logger = new Logger(new.target.name);
  }

  /** One pass of the job; a rejection is logged and the next tick runs another. */
  protected abstract pass(): Promise<void>;

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Stops ticking and waits for the pass in progress, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.schedule.intervalMs);
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
    // Through a promise's executor: a pass that throws before it returns a promise is a failed pass
    // too, never an exception out of the timer's callback.
    this.running ??= new Promise<void>((resolve) => resolve(this.pass()))
      .catch((error: unknown) => this.logger.warn(`${this.schedule.failureMessage}: ${describeError(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}

/** The error's name and message only (a query error's parameters could carry payment data). */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
