import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, raiseAlert } from '@kirim/platform';
import { PaymentRepository } from '../payment.repository';
import { alertContext } from '../payment-transition-step';

/** Most overdue reversals one pass alerts on (one transaction). */
export const OVERDUE_REVERSAL_BATCH_SIZE = 100;

/**
 * RBI's T+1 passed and the payer still waits for their money (the bank owes them compensation for
 * every day beyond it): raises `reversal-overdue` once per payment, whatever state the reversal is
 * in (pending, retrying, or waiting for an operator). Run by the timer poller every tick; the row
 * lock (SKIP LOCKED) and the `alerted` mark make replicas raise it once between them.
 */
@Injectable()
export class AlertOverdueReversalsUseCase {
  private readonly logger = new Logger(AlertOverdueReversalsUseCase.name);

  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
  ) {}

  /** How many payments were alerted on. */
  async execute(limit = OVERDUE_REVERSAL_BATCH_SIZE): Promise<number> {
    return this.unitOfWork.run(async (tx) => {
      const now = this.clock.now();
      const overdue = await this.payments.lockOverdueReversals(tx, now, limit);
      for (const row of overdue) {
        await this.payments.markReversalOverdueAlerted(tx, row.id, now);
        const context = 'payment' in row ? alertContext(row.payment) : { paymentId: row.id, unreadable: row.unreadable };
        raiseAlert(this.logger, 'reversal-overdue', context, 'the reversal deadline (RBI T+1) passed and the payer has not been paid back: an operator must act');
      }
      return overdue.length;
    });
  }
}
