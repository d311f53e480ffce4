import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AlertOverdueReversalsUseCase } from '../alert-overdue-reversals/alert-overdue-reversals.use-case';
import { CheckPendingLegsUseCase } from './check-pending-legs.use-case';

/** Injection token of PAYMENT_LEG_CHECK_INTERVAL_MS. */
export const LEG_CHECK_INTERVAL_MS = Symbol('LEG_CHECK_INTERVAL_MS');

/**
 * Every PAYMENT_LEG_CHECK_INTERVAL_MS: a pass of the payments' timers (status checks, deemed
 * outcomes, reversal retries), then a look for reversals past their T+1 deadline. The timers live
 * in the database (payments.leg_check_at, reversal_due_by), so a restart loses none, and every
 * replica may run a poller: each pass skips the payments another holds. One pass at a time per
 * process; a failed pass is logged and the next tick tries again (a row it cannot handle is set
 * aside by the pass itself, so it never blocks the others).
 */
@Injectable()
export class PendingLegPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PendingLegPoller.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly checkPendingLegs: CheckPendingLegsUseCase,
    private readonly alertOverdueReversals: AlertOverdueReversalsUseCase,
    @Inject(LEG_CHECK_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Stops ticking and waits for the pass in progress, before the database closes. */
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

  /** The overdue look runs even when the timers' pass failed: one must not hide the other. */
  private async pass(): Promise<void> {
    const [timers, overdue] = await Promise.allSettled([this.checkPendingLegs.execute(), this.alertOverdueReversals.execute()]);
    if (timers.status === 'rejected') throw timers.reason;
    if (overdue.status === 'rejected') throw overdue.reason;
  }

  /** Starts a pass unless one is still running; resolves when it ends (never rejects). */
  tick(): Promise<void> {
    this.running ??= this.pass()
      .catch((error: unknown) => this.logger.warn(`timer pass failed, will retry: ${describe(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}

/** The error's name and message only (a query error's parameters could carry payment data). */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
