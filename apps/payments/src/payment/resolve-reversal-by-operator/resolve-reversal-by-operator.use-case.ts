import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { OperatorActionOutcome, OperatorActionRunner } from '../operator-action';
import { OPERATOR_REFERENCE_PATTERN } from '../operator-command';
import { PaymentRepository } from '../payment.repository';
import { PaymentTransitionStep } from '../payment-transition-step';

export interface ResolveReversalByOperatorCommand {
  readonly paymentId: string;
  /** Who confirms, as the operator API authenticated them (kept in the audit trail). */
  readonly operator: string;
  /** Where the money went back: the bank's transfer reference, a ticket (1 to 100 printable characters). */
  readonly reference: string;
  readonly note?: string;
}

/**
 * Only a payment in `reversal_failed` can be resolved (while an attempt is pending the bank may
 * still pay back); a `wrong-state` answer says where it is.
 */
export type ResolveReversalByOperatorOutcome = OperatorActionOutcome;

/**
 * An operator confirms that the payer of a payment in `reversal_failed` got their money back another
 * way (a manual transfer by the bank, say), with a reference: the payment ends `reversed` (final,
 * `payments.payment.reversed.v1` tells the payer), its retry timer stops, and the audit trail keeps
 * who, when, the reference and the note (OperatorActionRunner). Refused while a reversal attempt is
 * pending: its bank may still return the money, and the payer would be paid twice.
 */
@Injectable()
export class ResolveReversalByOperatorUseCase {
  private readonly logger = new Logger(ResolveReversalByOperatorUseCase.name);
  private readonly operatorAction: OperatorActionRunner;

  constructor(unitOfWork: TransactionRunner, payments: PaymentRepository, step: PaymentTransitionStep, clock: Clock, ids: IdGenerator) {
    this.operatorAction = new OperatorActionRunner({ unitOfWork, payments, step, clock, ids });
  }

  execute(command: ResolveReversalByOperatorCommand): Promise<ResolveReversalByOperatorOutcome> {
    return this.operatorAction.run({
      name: 'resolve-reversal',
      command,
      checkOwnFields: () =>
        typeof command.reference !== 'string' || !OPERATOR_REFERENCE_PATTERN.test(command.reference)
          ? 'reference must be 1 to 100 printable characters: where the money went back'
          : null,
      reference: command.reference,
      event: (_payment, at) => ({ kind: 'reversal-resolved-by-operator', at }),
      logDone: (before) =>
        this.logger.warn({ paymentId: before.id, reversalAttempts: before.reversalAttempts }, 'reversal resolved by an operator: the money was returned another way'),
    });
  }
}
