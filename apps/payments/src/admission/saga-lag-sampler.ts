import { Inject, Injectable } from '@nestjs/common';
import { ConsumerState } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { IntervalPoller } from '../scheduling/interval-poller';
import { SagaAdmission } from './saga-admission';
import { SagaLagRepository } from './saga-lag.repository';

/** A consumer partition not heard of for this long (idle, or assigned elsewhere) no longer counts in the apply delay. */
export const APPLY_DELAY_WINDOW_MS = 2000;

/** Injection token of PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS. */
export const ADMISSION_SAMPLE_INTERVAL_MS = Symbol('ADMISSION_SAMPLE_INTERVAL_MS');

/**
 * Every PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS (250 ms), takes the saga's lag into SagaAdmission: the
 * longer of the outbox's lag, read from the database (every replica reads the same rows, so they
 * agree), and how long this replica's consumer takes to apply what it is sent (its own: a replica
 * whose event loop is saturated refuses, the others need not). It logs when this
 * replica starts and stops refusing, and once when the lag cannot be read and once when it can
 * again (not every tick: four warnings a second while the database is away would bury the rest).
 */
@Injectable()
export class SagaLagSampler extends IntervalPoller {
  private unreadable = false;

  constructor(
    private readonly lag: SagaLagRepository,
    private readonly consumer: ConsumerState,
    private readonly admission: SagaAdmission,
    private readonly clock: Clock,
    @Inject(ADMISSION_SAMPLE_INTERVAL_MS) intervalMs: number,
  ) {
    super({ intervalMs, failureMessage: 'saga lag sample failed' });
  }

  protected async pass(): Promise<void> {
    let outboxLagSeconds: number;
    try {
      outboxLagSeconds = await this.lag.readLagSeconds();
    } catch (error) {
      if (!this.unreadable) {
        const { sampleMaxAgeMs } = this.admission.policy;
        this.logger.warn(`the saga's lag cannot be read (${describeError(error)}); the last sample decides until it is ${sampleMaxAgeMs} ms old, then new payments are admitted`);
      }
      this.unreadable = true;
      return;
    }
    if (this.unreadable) this.logger.log("the saga's lag is read again");
    this.unreadable = false;
    const lagSeconds = Math.max(outboxLagSeconds, this.consumer.applyDelayMs(APPLY_DELAY_WINDOW_MS) / 1000);

    const before = this.admission.decide();
    this.admission.record({ lagSeconds, sampledAt: this.clock.now() });
    const after = this.admission.decide();
    const bound = `${this.admission.policy.maxLagMs / 1000} s`;
    if (before.admit && !after.admit) this.logger.warn(`refusing new payments (503 payments-overloaded): the saga lags ${lagSeconds.toFixed(1)} s, over its bound of ${bound}`);
    if (!before.admit && after.admit) this.logger.log(`admitting new payments again: the saga lags ${lagSeconds.toFixed(1)} s, within its bound of ${bound}`);
  }
}

/** The error's name and message only (a query error's parameters could carry payment data). */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
