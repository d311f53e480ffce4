import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ReconciliationPolicy } from './reconciliation.config';
import { RECONCILIATION_POLICY, RunReconciliation } from './run-reconciliation/run-reconciliation.use-case';

/**
 * Starts a scheduled run every RECONCILIATION_INTERVAL_MS (0: never). Every replica ticks; the run
 * itself makes sure one runs per interval. One tick at a time per process; a failed tick is logged
 * and the next one tries again.
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconciliationScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly runReconciliation: RunReconciliation,
    @Inject(RECONCILIATION_POLICY) private readonly policy: ReconciliationPolicy,
  ) {}

  onApplicationBootstrap(): void {
    if (this.policy.intervalMs === 0) return;
    this.timer = setInterval(() => void this.tick(), this.policy.intervalMs);
    // The schedule alone must not keep the process alive.
    this.timer.unref();
  }

  /** Stops ticking and waits for the run in progress, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  tick(): Promise<void> {
    this.running ??= this.runReconciliation
      .execute({ trigger: 'schedule' })
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn(`scheduled reconciliation failed to run: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
