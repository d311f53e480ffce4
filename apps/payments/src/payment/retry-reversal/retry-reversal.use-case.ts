import { Injectable, Logger } from '@nestjs/common';
import { PaymentStatus } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { Payment } from '../payment';
import { PaymentRepository } from '../payment.repository';
import { PaymentTransitionStep } from '../payment-transition-step';
import { checkOperatorCommand } from '../operator-command';

export interface RetryReversalCommand {
  readonly paymentId: string;
  /** Who asks, as the operator API authenticated them (kept in the audit trail). */
  readonly operator: string;
  readonly note?: string;
}

export type RetryReversalOutcome =
  | { readonly ok: true; readonly payment: Payment }
  | { readonly ok: false; readonly reason: 'invalid'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'not-found' }
  /** Only a payment in `reversal_failed` can be retried; `status` is where it is. */
  | { readonly ok: false; readonly reason: 'wrong-state'; readonly status: PaymentStatus };

/**
 * An operator's "try the reversal once more, now" for a payment in `reversal_failed` (its automatic
 * retries used up, or waiting for the next): the same attempt the timer would make (a new requestId
 * after a decline, the same after no answer), with its own status checks, and a line in the
 * payment's audit trail. If it fails again the payment is back in `reversal_failed` for an operator.
 */
@Injectable()
export class RetryReversalUseCase {
  private readonly logger = new Logger(RetryReversalUseCase.name);

  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly payments: PaymentRepository,
    private readonly step: PaymentTransitionStep,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: RetryReversalCommand): Promise<RetryReversalOutcome> {
    const problem = checkOperatorCommand(command);
    if (problem) return { ok: false, reason: 'invalid', detail: problem.detail };
    return this.unitOfWork.run(async (tx): Promise<RetryReversalOutcome> => {
      const payment = await this.payments.lockById(tx, command.paymentId);
      if (!payment) return { ok: false, reason: 'not-found' };
      const at = this.clock.now();
      const outcome = this.step.decide(payment, this.step.reversalAttempt(payment, at));
      if (!outcome.ok) return { ok: false, reason: 'wrong-state', status: payment.status };
      await this.step.store(tx, outcome);
      await this.payments.recordOperatorAction(tx, {
        id: this.ids.uuid(),
        paymentId: payment.id,
        action: 'retry-reversal',
        operator: command.operator,
        reference: null,
        note: command.note ?? null,
        statusBefore: payment.status,
        statusAfter: outcome.payment.status,
        occurredAt: at,
      });
      this.logger.warn(
        { paymentId: payment.id, reversalRequestId: outcome.payment.reversalRequestId, reversalAttempts: outcome.payment.reversalAttempts },
        'reversal retried by an operator',
      );
      return { ok: true, payment: outcome.payment };
    });
  }
}
