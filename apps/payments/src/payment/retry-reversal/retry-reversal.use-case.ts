import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { OperatorActionOutcome, OperatorActionRunner } from '../operator-action';
import { PaymentRepository } from '../payment.repository';
import { PaymentTransitionStep } from '../payment-transition-step';

export interface RetryReversalCommand {
  readonly paymentId: string;
  /** Who asks, as the operator API authenticated them (kept in the audit trail). */
  readonly operator: string;
  readonly note?: string;
}

/** Only a payment in `reversal_failed` can be retried; a `wrong-state` answer says where it is. */
export type RetryReversalOutcome = OperatorActionOutcome;

/**
 * An operator's "try the reversal once more, now" for a payment in `reversal_failed` (its automatic
 * retries used up, or waiting for the next): the same attempt the timer would make (a new requestId
 * after a decline, the same after no answer), with its own status checks, and a line in the
 * payment's audit trail (OperatorActionRunner). If it fails again the payment is back in
 * `reversal_failed` for an operator.
 */
@Injectable()
export class RetryReversalUseCase {
  private readonly logger = new Logger(RetryReversalUseCase.name);
  private readonly operatorAction: OperatorActionRunner;

  constructor(unitOfWork: TransactionRunner, payments: PaymentRepository, private readonly step: PaymentTransitionStep, clock: Clock, ids: IdGenerator) {
    this.operatorAction = new OperatorActionRunner({ unitOfWork, payments, step, clock, ids });
  }

  execute(command: RetryReversalCommand): Promise<RetryReversalOutcome> {
    return this.operatorAction.run({
      name: 'retry-reversal',
      command,
      reference: null,
      event: (payment, at) => this.step.reversalAttempt(payment, at),
      logDone: (_before, after) =>
        this.logger.warn({ paymentId: after.id, reversalRequestId: after.reversalRequestId, reversalAttempts: after.reversalAttempts }, 'reversal retried by an operator'),
    });
  }
}
