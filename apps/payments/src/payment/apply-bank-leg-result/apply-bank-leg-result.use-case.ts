import { Inject, Injectable, Logger } from '@nestjs/common';
import { BankLegResult, PaymentStatus } from '@kirim/contracts';
import { MessageRefusedError, TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { LEG_TIMER_POLICY, LegTimerPolicy, withLegTimer } from '../leg-timer';
import { Payment } from '../payment';
import { PaymentRepository } from '../payment.repository';
import { legAnswerMismatch } from './leg-answer-check';
import { automaticNextStep, PaymentEvent, PaymentOutgoingEvent, transition, TransitionRejectionReason } from '../payment-state-machine';

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
 * Applies a bank's answer to a debit or credit leg, in the consumer's batch transaction, and takes
 * the saga's automatic next step in the same transaction: a debited payment is sent for credit,
 * a payment whose credit failed is sent for reversal. Duplicates and stale answers change nothing:
 * that is also what makes a status check safe, since the answer to a re-sent command that comes
 * after the first one was applied names a leg already answered (`duplicate`).
 */
@Injectable()
export class ApplyBankLegResultUseCase {
  private readonly logger = new Logger(ApplyBankLegResultUseCase.name);

  constructor(
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(LEG_TIMER_POLICY) private readonly legTimer: LegTimerPolicy,
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

    const at = this.clock.now();
    const first = transition(payment, toPaymentEvent(command, at));
    if (!first.ok) {
      this.logRejection(first.reason, payment, command);
      // The reversal's answer did come: stop its timer, or status checks would only fetch the same
      // decline again. Every other rejection leaves the payment exactly as it was.
      if (first.reason === 'reversal-declined' && payment.legCheckAt !== null) await this.payments.update(tx, { ...payment, legCheckAt: null });
      return { applied: false, reason: first.reason, status: payment.status };
    }

    let current: Payment = first.payment;
    const events: PaymentOutgoingEvent[] = [...first.events];
    for (let step = automaticNextStep(current.status); step !== null; step = automaticNextStep(current.status)) {
      const next = transition(current, automaticEvent(step, this.ids.uuid(), at));
      if (!next.ok) throw new Error(`automatic step ${step} refused in ${current.status}: ${next.reason}`);
      current = next.payment;
      events.push(...next.events);
    }

    // A new pending leg (credit, reversal) starts its own timer; a final state stops it.
    current = withLegTimer(payment, current, at, this.legTimer);
    await this.payments.update(tx, current);
    for (const event of events) await tx.publish(event);
    return { applied: true, status: current.status };
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
      case 'reversal-declined':
        // The payer has been debited and the money could not be returned automatically: an
        // operator must act (RBI: reversal within T+1). The payment stays reversal_pending.
        this.logger.error({ ...context, resultCode: command.result.resultCode }, 'reversal declined by the payer bank; manual action needed');
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

function automaticEvent(step: 'credit-requested' | 'reversal-requested', requestId: string, at: Date): PaymentEvent {
  switch (step) {
    case 'credit-requested':
      return { kind: 'credit-requested', creditRequestId: requestId, at };
    case 'reversal-requested':
      return { kind: 'reversal-requested', reversalRequestId: requestId, at };
  }
}
