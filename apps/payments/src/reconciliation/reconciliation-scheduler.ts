import { Inject, Injectable } from '@nestjs/common';
import { IntervalPoller } from '../scheduling/interval-poller';
import type { ReconciliationPolicy } from './reconciliation.config';
import { RECONCILIATION_POLICY, RunReconciliation } from './run-reconciliation/run-reconciliation.use-case';

/**
 * Starts a scheduled run every RECONCILIATION_INTERVAL_MS (0: never). Every replica ticks; the run
 * itself makes sure one runs per interval. One tick at a time per process; a failed tick is logged
 * and the next one tries again (IntervalPoller).
 */
@Injectable()
export class ReconciliationScheduler extends IntervalPoller {
  constructor(
    private readonly runReconciliation: RunReconciliation,
    @Inject(RECONCILIATION_POLICY) private readonly policy: ReconciliationPolicy,
  ) {
    super({ intervalMs: policy.intervalMs, failureMessage: 'scheduled reconciliation failed to run' });
  }

  /** An interval of 0 turns the schedule off: runs start only when an operator asks. */
  override start(): void {
    if (this.policy.intervalMs === 0) return;
    super.start();
  }

  protected async pass(): Promise<void> {
    await this.runReconciliation.execute({ trigger: 'schedule' });
  }
}
