import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_CATALOGUE, validatePayload } from '@kirim/contracts';
import { isTransientDatabaseError, TransactionRunner, TransactionScope } from '@kirim/messaging';
import { Clock, raiseAlert } from '@kirim/platform';
import { SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { decideDueTimer } from '../leg-timer';
import { Payment } from '../payment';
import { PaymentRepository } from '../payment.repository';
import { PaymentOutgoingEvent } from '../payment-state-machine';
import { PaymentTransitionStep, StepAccepted } from '../payment-transition-step';

/** Most payments one pass locks and handles (one transaction). */
export const LEG_CHECK_BATCH_SIZE = 100;

export interface CheckPendingLegsOutcome {
  /** Due payments this pass locked (those locked by another replica's pass are skipped). */
  readonly due: number;
  /** Pending legs whose command was re-sent (a status check). */
  readonly resent: number;
  /** Legs still unanswered after their last check and the settle time: given the profile's deemed outcome. */
  readonly deemed: number;
  /** Failed reversals tried again. */
  readonly retried: number;
  /** Rows set aside: this pass could not handle them (an operator is alerted), and the others went on. */
  readonly quarantined: number;
}

type Handled = 'resent' | 'deemed' | 'retried';

/** A row the pass cannot handle: bad data, or a bug its handling ran into. Never retried by the poller. */
class RowNeedsOperatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowNeedsOperatorError';
  }
}

/**
 * One pass of the payments' timers (leg-timer.ts), in one transaction: locks the payments whose
 * timer is due (`FOR UPDATE SKIP LOCKED`, so replicas polling at once share them and never take one
 * twice), and for each:
 * - re-sends the pending leg's original command as a status check (same requestId: the bank applies
 *   it at most once and answers again with what it recorded, so this never debits twice) and sets
 *   the next check on the profile's pace, or the settle time after the last;
 * - after the last check and the settle time, applies the profile's deemed outcome (U67, U68, RB)
 *   through the PaymentTransitionStep, which starts the reversal a deemed credit needs;
 * - retries a failed reversal whose backoff is up.
 *
 * Each payment is handled under a savepoint. One the pass cannot handle (a row that does not read as
 * a payment, events that break the contract, a handler error that is not the database going away)
 * is rolled back to its savepoint and set aside: its timer stopped, the reason stored on the row,
 * `payment-row-quarantined` raised; the payments behind it go on. The database going away fails the
 * pass instead, and the next tick tries again.
 */
@Injectable()
export class CheckPendingLegsUseCase {
  private readonly logger = new Logger(CheckPendingLegsUseCase.name);

  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
    private readonly step: PaymentTransitionStep,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
  ) {}

  async execute(limit = LEG_CHECK_BATCH_SIZE): Promise<CheckPendingLegsOutcome> {
    return this.unitOfWork.run(async (tx): Promise<CheckPendingLegsOutcome> => {
      const now = this.clock.now();
      const due = await this.payments.lockDueTimers(tx, now, limit);
      const counts = { resent: 0, deemed: 0, retried: 0, quarantined: 0 };
      for (const row of due) {
        if ('unreadable' in row) {
          await this.setAside(tx, row.id, `the row does not read as a payment: ${row.unreadable}`, now);
          counts.quarantined += 1;
          continue;
        }
        try {
          const handled = await this.payments.isolate(tx, () => this.handle(tx, row.payment, now));
          counts[handled] += 1;
        } catch (error) {
          if (isTransientDatabaseError(error)) throw error;
          await this.setAside(tx, row.id, describe(error), now);
          counts.quarantined += 1;
        }
      }
      return { due: due.length, ...counts };
    });
  }

  private async handle(tx: TransactionScope, payment: Payment, now: Date): Promise<Handled> {
    const decision = decideDueTimer(payment, now, this.profile);
    // Identifiers and state only: no phone numbers, accounts or amounts in logs.
    const context = { paymentId: payment.id, status: payment.status, legChecks: payment.legChecks };
    switch (decision.action) {
      case 'resend': {
        checkAgainstContract([decision.request]);
        await this.payments.update(tx, decision.payment);
        await tx.publish(decision.request);
        this.logger.warn(
          { ...context, requestId: decision.request.data.requestId, legChecks: decision.payment.legChecks, nextAt: decision.payment.legCheckAt?.toISOString() },
          'no bank answer to the pending leg yet; re-sent its command as a status check',
        );
        return 'resent';
      }
      case 'deem': {
        await this.storeStep(tx, this.accepted(payment, this.step.decide(payment, decision.event)));
        this.logger.warn({ ...context, requestId: decision.event.requestId, resultCode: decision.event.resultCode }, 'no bank answer after every status check; the scheme profile deemed the outcome');
        return 'deemed';
      }
      case 'retry-reversal': {
        const attempt = this.step.reversalAttempt(payment, now);
        const outcome = this.accepted(payment, this.step.decide(payment, attempt));
        await this.storeStep(tx, outcome);
        this.logger.warn({ ...context, reversalRequestId: attempt.reversalRequestId, reversalAttempts: outcome.payment.reversalAttempts }, 'retrying the failed reversal');
        return 'retried';
      }
      case 'stray-timer':
        throw new RowNeedsOperatorError(`a timer on a payment in ${payment.status} with no leg to wait for`);
      default: {
        const unhandled: never = decision;
        throw new Error(`unhandled timer decision ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private accepted(payment: Payment, outcome: ReturnType<PaymentTransitionStep['decide']>): StepAccepted {
    if (!outcome.ok) throw new RowNeedsOperatorError(`the due timer's step was refused in ${payment.status}: ${outcome.reason}`);
    return outcome;
  }

  /** The events are checked against the contract BEFORE anything is written, so a refusal leaves the row as it was. */
  private async storeStep(tx: TransactionScope, outcome: StepAccepted): Promise<void> {
    checkAgainstContract(outcome.events);
    await this.step.store(tx, outcome);
  }

  private async setAside(tx: TransactionScope, paymentId: string, reason: string, now: Date): Promise<void> {
    await this.payments.quarantine(tx, paymentId, reason, now);
    raiseAlert(this.logger, 'payment-row-quarantined', { paymentId, reason }, 'the timer poller could not handle this payment and set it aside: an operator must look at it');
  }
}

/**
 * The outbox checks every event it is given, but only after earlier ones of the same payment may be
 * in its buffer already, past any savepoint; checked here first, a payment whose data does not make
 * valid events is set aside whole.
 */
function checkAgainstContract(events: readonly PaymentOutgoingEvent[]): void {
  for (const event of events) {
    const checked = validatePayload(EVENT_CATALOGUE[event.type].payload, event.data);
    if (!checked.ok) throw new RowNeedsOperatorError(`its ${event.type} would break the contract: ${checked.errors.join('; ')}`);
  }
}

/** The error's name and message only (a query error's parameters could carry payment data). */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
