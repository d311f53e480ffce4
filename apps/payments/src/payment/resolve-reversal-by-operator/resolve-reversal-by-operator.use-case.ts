import { Injectable, Logger } from '@nestjs/common';
import { PaymentStatus } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { Payment } from '../payment';
import { PaymentRepository } from '../payment.repository';
import { PaymentTransitionStep } from '../payment-transition-step';
import { checkOperatorCommand, OPERATOR_REFERENCE_PATTERN } from '../operator-command';

export interface ResolveReversalByOperatorCommand {
  readonly paymentId: string;
  /** Who confirms, as the operator API authenticated them (kept in the audit trail). */
  readonly operator: string;
  /** Where the money went back: the bank's transfer reference, a ticket (1 to 100 printable characters). */
  readonly reference: string;
  readonly note?: string;
}

export type ResolveReversalByOperatorOutcome =
  | { readonly ok: true; readonly payment: Payment }
  | { readonly ok: false; readonly reason: 'invalid'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'not-found' }
  /** Only a payment in `reversal_failed` can be resolved (while an attempt is pending the bank may still pay back). */
  | { readonly ok: false; readonly reason: 'wrong-state'; readonly status: PaymentStatus };

/**
 * An operator confirms that the payer of a payment in `reversal_failed` got their money back another
 * way (a manual transfer by the bank, say), with a reference: the payment ends `reversed` (final,
 * `payments.payment.reversed.v1` tells the payer), its retry timer stops, and the audit trail keeps
 * who, when, the reference and the note. Refused while a reversal attempt is pending: its bank may
 * still return the money, and the payer would be paid twice.
 */
@Injectable()
export class ResolveReversalByOperatorUseCase {
  private readonly logger = new Logger(ResolveReversalByOperatorUseCase.name);

  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly payments: PaymentRepository,
    private readonly step: PaymentTransitionStep,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: ResolveReversalByOperatorCommand): Promise<ResolveReversalByOperatorOutcome> {
    const problem = checkOperatorCommand(command);
    if (problem) return { ok: false, reason: 'invalid', detail: problem.detail };
    if (typeof command.reference !== 'string' || !OPERATOR_REFERENCE_PATTERN.test(command.reference)) {
      return { ok: false, reason: 'invalid', detail: 'reference must be 1 to 100 printable characters: where the money went back' };
    }
    return this.unitOfWork.run(async (tx): Promise<ResolveReversalByOperatorOutcome> => {
      const payment = await this.payments.lockById(tx, command.paymentId);
      if (!payment) return { ok: false, reason: 'not-found' };
      const at = this.clock.now();
      const outcome = this.step.decide(payment, { kind: 'reversal-resolved-by-operator', at });
      if (!outcome.ok) return { ok: false, reason: 'wrong-state', status: payment.status };
      await this.step.store(tx, outcome);
      await this.payments.recordOperatorAction(tx, {
        id: this.ids.uuid(),
        paymentId: payment.id,
        action: 'resolve-reversal',
        operator: command.operator,
        reference: command.reference,
        note: command.note ?? null,
        statusBefore: payment.status,
        statusAfter: outcome.payment.status,
        occurredAt: at,
      });
      this.logger.warn({ paymentId: payment.id, reversalAttempts: payment.reversalAttempts }, 'reversal resolved by an operator: the money was returned another way');
      return { ok: true, payment: outcome.payment };
    });
  }
}
