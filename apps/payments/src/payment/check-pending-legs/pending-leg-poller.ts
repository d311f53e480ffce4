import { Inject, Injectable } from '@nestjs/common';
import { IntervalPoller } from '../../scheduling/interval-poller';
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
 * aside by the pass itself, so it never blocks the others). IntervalPoller does the ticking.
 */
@Injectable()
export class PendingLegPoller extends IntervalPoller {
  constructor(
    private readonly checkPendingLegs: CheckPendingLegsUseCase,
    private readonly alertOverdueReversals: AlertOverdueReversalsUseCase,
    @Inject(LEG_CHECK_INTERVAL_MS) intervalMs: number,
  ) {
    super({ intervalMs, failureMessage: 'timer pass failed, will retry' });
  }

  /** The overdue look runs even when the timers' pass failed: one must not hide the other. */
  protected async pass(): Promise<void> {
    const [timers, overdue] = await Promise.allSettled([this.checkPendingLegs.execute(), this.alertOverdueReversals.execute()]);
    if (timers.status === 'rejected') throw timers.reason;
    if (overdue.status === 'rejected') throw overdue.reason;
  }
}
