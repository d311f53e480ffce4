import type { PaymentStatus } from '@kirim/contracts';
import type { TransactionRunner } from '@kirim/messaging';
import type { Clock, IdGenerator } from '@kirim/platform';
import { checkOperatorCommand } from './operator-command';
import { Payment } from './payment';
import { OperatorActionRecord, PaymentRepository } from './payment.repository';
import { PaymentEvent } from './payment-state-machine';
import { PaymentTransitionStep } from './payment-transition-step';

/** What every operator command names: the payment, who acts (as the operator API authenticated them), a note. */
export interface OperatorCommand {
  readonly paymentId: string;
  readonly operator: string;
  readonly note?: string;
}

/** What an operator action on a payment answers: the payment after it, or why nothing changed. */
export type OperatorActionOutcome =
  | { readonly ok: true; readonly payment: Payment }
  | { readonly ok: false; readonly reason: 'invalid'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'not-found' }
  /** The state machine refused the action in the payment's state; `status` is where it is. */
  | { readonly ok: false; readonly reason: 'wrong-state'; readonly status: PaymentStatus };

/** One action: what it is called in the audit trail, what it does to the payment, what it logs. */
export interface OperatorAction {
  readonly name: OperatorActionRecord['action'];
  readonly command: OperatorCommand;
  /** Checks of the action's own fields, after the shared ones: the detail for a 400, or null. */
  readonly checkOwnFields?: () => string | null;
  /** Kept in the audit trail (where the money went back); null when the action has none. */
  readonly reference: string | null;
  /** The event the action applies to the locked payment, at the action's time. */
  readonly event: (payment: Payment, at: Date) => PaymentEvent;
  /** Called once the action is stored, to log it with what matters for that action. */
  readonly logDone: (before: Payment, after: Payment) => void;
}

/**
 * The frame every operator action on a payment shares (docs/operations.md): the command checked,
 * then in one transaction the payment locked (an operator and the poller or a bank answer apply
 * one after the other), the action's event through PaymentTransitionStep (so the state machine
 * decides whether it is allowed, and timers, events and alerts follow as for any change), and a
 * line in the payment's audit trail: who, when, the reference and the note, the states before and
 * after. A refusal changes nothing and writes no audit line.
 */
export class OperatorActionRunner {
  constructor(
    private readonly ports: {
      readonly unitOfWork: TransactionRunner;
      readonly payments: PaymentRepository;
      readonly step: PaymentTransitionStep;
      readonly clock: Clock;
      readonly ids: IdGenerator;
    },
  ) {}

  async run(action: OperatorAction): Promise<OperatorActionOutcome> {
    const problem = checkOperatorCommand(action.command);
    if (problem) return { ok: false, reason: 'invalid', detail: problem.detail };
    const ownProblem = action.checkOwnFields?.() ?? null;
    if (ownProblem !== null) return { ok: false, reason: 'invalid', detail: ownProblem };
    const { unitOfWork, payments, step, clock, ids } = this.ports;
    return unitOfWork.run(async (tx): Promise<OperatorActionOutcome> => {
      const payment = await payments.lockById(tx, action.command.paymentId);
      if (!payment) return { ok: false, reason: 'not-found' };
      const at = clock.now();
      const outcome = step.decide(payment, action.event(payment, at));
      if (!outcome.ok) return { ok: false, reason: 'wrong-state', status: payment.status };
      await step.store(tx, outcome);
      await payments.recordOperatorAction(tx, {
        id: ids.uuid(),
        paymentId: payment.id,
        action: action.name,
        operator: action.command.operator,
        reference: action.reference,
        note: action.command.note ?? null,
        statusBefore: payment.status,
        statusAfter: outcome.payment.status,
        occurredAt: at,
      });
      action.logDone(payment, outcome.payment);
      return { ok: true, payment: outcome.payment };
    });
  }
}
