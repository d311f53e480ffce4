import { Injectable, Logger } from '@nestjs/common';
import { BankLegResult, PaymentStatus } from '@kirim/contracts';
import { MessageRefusedError, TransactionScope } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { Payment } from '../payment';
import { PaymentRepository } from '../payment.repository';
import { PaymentTransitionStep } from '../payment-transition-step';
import { legAnswerMismatch } from './leg-answer-check';
import { PaymentEvent, TransitionRejectionReason } from '../payment-state-machine';

export type BankLeg = 'debit' | 'credit';
export type BankLegOutcome = 'succeeded' | 'declined';

export interface ApplyBankLegResultCommand {
  readonly leg: BankLeg;
  readonly outcome: BankLegOutcome;
  readonly result: BankLegResult;
}

export type ApplyBankLegResultOutcome =
  | { readonly applied: true; readonly status: PaymentStatus }
  | { readonly applied: false; readonly reason: TransitionRejectionReason; readonly status: PaymentStatus };

/** A result for a payment we do not have: a bug or a foreign message. Thrown, so it is retried then dead-lettered. */
export class UnknownPaymentError extends Error {
  constructor(paymentId: string) {
    super(`bank result for unknown payment ${paymentId}`);
    this.name = 'UnknownPaymentError';
  }
}

/**
 * Applies a bank's answer to a debit or credit leg, in the consumer's batch transaction, through
 * the PaymentTransitionStep: the saga's automatic next step follows in the same transaction (a
 * debited payment is sent for credit, a payment whose credit failed is sent for reversal), a
 * declined reversal becomes `reversal_failed` with its retry timer, and an answer that arrives after
 * the profile deemed the leg's outcome is handled as a late answer. Duplicates and stale answers
 * change nothing: that is also what makes a status check safe, since the answer to a re-sent
 * command that comes after the first one was applied names a leg already answered (`duplicate`).
 */
@Injectable()
export class ApplyBankLegResultUseCase {
  private readonly logger = new Logger(ApplyBankLegResultUseCase.name);

  constructor(
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
    private readonly step: PaymentTransitionStep,
  ) {}

  async execute(tx: TransactionScope, command: ApplyBankLegResultCommand): Promise<ApplyBankLegResultOutcome> {
    const { result } = command;
    // The row lock serialises answers for one payment across consumers and replicas.
    const payment = await this.payments.lockById(tx, result.paymentId);
    if (!payment) throw new UnknownPaymentError(result.paymentId);
    const mismatch = legAnswerMismatch(payment, command.leg, result);
    if (mismatch !== null) {
      // Refused, not applied: the payment stays where it is and its status checks go on asking.
      this.logger.error({ paymentId: payment.id, requestId: result.requestId, leg: command.leg, mismatch }, 'bank answer refused: it does not match the leg asked');
      throw new MessageRefusedError(mismatch);
    }

    const outcome = await this.step.apply(tx, payment, toPaymentEvent(command, this.clock.now()));
    if (!outcome.ok) {
      this.logRejection(outcome.reason, payment, command);
      return { applied: false, reason: outcome.reason, status: payment.status };
    }
    return { applied: true, status: outcome.payment.status };
  }

  private logRejection(reason: TransitionRejectionReason, payment: Payment, command: ApplyBankLegResultCommand): void {
    const context = {
      paymentId: payment.id,
      requestId: command.result.requestId,
      leg: command.leg,
      outcome: command.outcome,
      purpose: command.result.purpose,
      status: payment.status,
      reason,
    };
    switch (reason) {
      case 'duplicate':
      case 'stale-request':
        // Redeliveries and replays are normal on Kafka; nothing to see.
        this.logger.debug(context, 'bank result ignored');
        return;
      case 'illegal-transition':
        this.logger.warn(context, 'bank result does not fit the payment state; ignored');
        return;
      default: {
        const unhandled: never = reason;
        throw new Error(`unhandled rejection ${String(unhandled)}`);
      }
    }
  }
}

/** A credit leg with purpose `reversal` is the money going back to the payer, a separate step of the saga. */
function toPaymentEvent({ leg, outcome, result }: ApplyBankLegResultCommand, at: Date): PaymentEvent {
  const { requestId, resultCode } = result;
  const succeeded = outcome === 'succeeded';
  switch (leg) {
    case 'debit':
      return succeeded
        ? { kind: 'debit-succeeded', requestId, at, ...(result.rrn !== undefined ? { rrn: result.rrn } : {}) }
        : { kind: 'debit-declined', requestId, resultCode, at };
    case 'credit':
      if (result.purpose === 'reversal') {
        return succeeded ? { kind: 'reversal-succeeded', requestId, at } : { kind: 'reversal-declined', requestId, resultCode, at };
      }
      return succeeded ? { kind: 'credit-succeeded', requestId, at } : { kind: 'credit-declined', requestId, resultCode, at };
  }
}
