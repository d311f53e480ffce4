import { Inject, Injectable, Logger } from '@nestjs/common';
import { OutboxRows, rowsForOwnStatement, type TransactionScope } from '@kirim/messaging';
import { IdGenerator, raiseAlert } from '@kirim/platform';
import { SCHEME_PROFILE, SchemeProfile } from '../limits/scheme-profile';
import { withTimers } from './leg-timer';
import { Payment } from './payment';
import { recordPaymentStep } from './payment-metrics';
import { ClaimOutcome, IdempotencyRecord, InTransaction, PayerLimitsCheck, PaymentRepository, WithinLimitsOutcome } from './payment.repository';
import { automaticNextStep, PaymentAlert, PaymentEvent, PaymentEventKind, PaymentOutgoingEvent, transition, TransitionRejected } from './payment-state-machine';

export interface StepAccepted {
  readonly ok: true;
  /** The payment as it was (null: a new one). */
  readonly before: Payment | null;
  /** The payment after the transition, its automatic next steps, its timer and its deadline. */
  readonly payment: Payment;
  readonly events: readonly PaymentOutgoingEvent[];
  readonly alerts: readonly PaymentAlert[];
  /** What happened, and when: the metrics read a bank's answer and its latency from it. */
  readonly trigger: { readonly kind: PaymentEventKind; readonly at: Date };
}

export type StepResult = StepAccepted | TransitionRejected;

/** Where the outgoing events go (a transaction's outbox, or a collector that forwards them later), and what runs once it commits. */
export type EventSink = Pick<TransactionScope, 'publish' | 'afterCommit'> & InTransaction;

/**
 * The one way a payment changes (docs/payment-lifecycle.md): the state machine's transition, then
 * the saga's automatic next steps (a debited payment is credited, a failed credit reversed), then
 * the payment's timer and reversal deadline, then the alerts an operator must see. Every use case
 * that moves a payment (initiate, bank answers, status checks and deemed outcomes, reversal retries,
 * operator actions) goes through here, so none can forget a step.
 */
@Injectable()
export class PaymentTransitionStep {
  private readonly logger = new Logger(PaymentTransitionStep.name);

  constructor(
    private readonly payments: PaymentRepository,
    private readonly ids: IdGenerator,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
  ) {}

  /** What `event` does to `payment` (null `before`: it is a new payment), without storing anything. */
  decide(payment: Payment, event: PaymentEvent, options: { readonly isNew?: boolean } = {}): StepResult {
    const first = transition(payment, event);
    if (!first.ok) return first;
    let current = first.payment;
    const events: PaymentOutgoingEvent[] = [...first.events];
    const alerts: PaymentAlert[] = [...first.alerts];
    for (let step = automaticNextStep(current.status); step !== null; step = automaticNextStep(current.status)) {
      const automatic: PaymentEvent =
        step === 'credit-requested' ? { kind: 'credit-requested', creditRequestId: this.ids.uuid(), at: event.at } : this.reversalAttempt(current, event.at);
      const next = transition(current, automatic);
      if (!next.ok) throw new Error(`automatic step ${step} refused in ${current.status}: ${next.reason}`);
      current = next.payment;
      events.push(...next.events);
      alerts.push(...next.alerts);
    }
    const before = options.isNew === true ? null : payment;
    const timed = withTimers(before, current, event.at, this.profile);
    return { ok: true, before, payment: timed.payment, events, alerts: [...alerts, ...timed.alerts], trigger: { kind: event.kind, at: event.at } };
  }

  /**
   * The event of the next reversal attempt. After a decline the bank has a record of that requestId
   * and would only answer it again with the decline, so a retry needs a new one; after no answer the
   * retry re-sends the SAME requestId, because the unanswered attempt may have been applied with its
   * answer lost, and a new id could then return the money twice.
   */
  reversalAttempt(payment: Payment, at: Date): Extract<PaymentEvent, { kind: 'reversal-requested' }> {
    const unanswered = payment.reversalFailure === 'unanswered' ? payment.reversalRequestId : null;
    return { kind: 'reversal-requested', reversalRequestId: unanswered ?? this.ids.uuid(), at };
  }

  /** `decide`, then store the result: see `store`. A rejection stores nothing. */
  async apply(tx: EventSink, payment: Payment, event: PaymentEvent): Promise<StepResult> {
    const outcome = this.decide(payment, event);
    if (outcome.ok) await this.store(tx, outcome);
    return outcome;
  }

  /**
   * Writes the payment (inserts a new one), publishes its events in the same transaction, counts it
   * once the transaction has committed (payment-metrics.ts) and raises its alerts.
   */
  async store(tx: EventSink, outcome: StepAccepted): Promise<void> {
    if (outcome.before === null) await this.payments.insert(tx, outcome.payment);
    else await this.payments.update(tx, outcome.payment);
    for (const event of outcome.events) await tx.publish<object>(event);
    this.stored(tx, outcome);
  }

  /**
   * `store` of a new payment that claims its Idempotency-Key (PaymentRepository.insertClaimed): the
   * key, the payment and its outbox rows are written by one statement, and only if the key was
   * free; a key already held writes nothing and says which record holds it.
   */
  async storeClaimed(tx: EventSink, outcome: StepAccepted, key: IdempotencyRecord): Promise<ClaimOutcome> {
    return this.storeNew(tx, outcome, (outbox) => this.payments.insertClaimed(tx, outcome.payment, key, outbox), (claim) => claim.claimed);
  }

  /**
   * `storeClaimed` within the payer's limits, as one statement (PaymentRepository.insertWithinLimits):
   * the payer's lock, the key, the limits and the writes; nothing is written unless it is `created`.
   */
  async storeWithinLimits(tx: EventSink, outcome: StepAccepted, key: IdempotencyRecord, limits: PayerLimitsCheck): Promise<WithinLimitsOutcome> {
    return this.storeNew(tx, outcome, (outbox) => this.payments.insertWithinLimits(tx, outcome.payment, key, limits, outbox), (stored) => stored.kind === 'created');
  }

  /** A new payment's row and events written by `write`'s one statement, which says whether it wrote them. */
  private async storeNew<R>(tx: EventSink, outcome: StepAccepted, write: (outbox: OutboxRows | null) => Promise<R>, wrote: (result: R) => boolean): Promise<R> {
    if (outcome.before !== null) throw new Error('only a new payment claims an Idempotency-Key');
    const outbox = rowsForOwnStatement(tx, outcome.events);
    const result = await write(outbox?.rows ?? null);
    if (!wrote(result)) return result;
    // A transaction that cannot take the rows into the statement (a unit test's fake) publishes them.
    if (outbox === null) for (const event of outcome.events) await tx.publish<object>(event);
    else outbox.written();
    this.stored(tx, outcome);
    return result;
  }

  /** What follows a stored step: its metrics once committed, its alerts now. */
  private stored(tx: EventSink, outcome: StepAccepted): void {
    recordPaymentStep(tx, outcome);
    for (const alert of outcome.alerts) {
      // Identifiers and states only: no phone numbers, accounts or amounts in logs.
      raiseAlert(this.logger, alert.name, alertContext(outcome.payment), alert.message);
    }
  }
}

export function alertContext(payment: Payment): Record<string, unknown> {
  return {
    paymentId: payment.id,
    status: payment.status,
    resultCode: payment.resultCode,
    ...(payment.reversalAttempts > 0 ? { reversalAttempts: payment.reversalAttempts, reversalResultCode: payment.reversalResultCode } : {}),
    ...(payment.reversalDueBy !== null ? { reversalDueBy: payment.reversalDueBy.toISOString() } : {}),
  };
}
