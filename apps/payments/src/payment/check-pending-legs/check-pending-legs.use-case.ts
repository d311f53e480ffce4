import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { decideLegCheck, LEG_TIMER_POLICY, LegTimerPolicy } from '../leg-timer';
import { PaymentRepository } from '../payment.repository';

/** Most payments one pass locks and checks (one transaction). */
export const LEG_CHECK_BATCH_SIZE = 100;

export interface CheckPendingLegsOutcome {
  /** Due payments this pass locked (those locked by another replica's pass are skipped). */
  readonly due: number;
  /** Pending legs whose command was re-sent. */
  readonly resent: number;
  /** Payments whose checks ran out: left to an operator. */
  readonly gaveUp: number;
}

/**
 * One pass of status checks, in one transaction: locks the payments whose leg timer is due
 * (`FOR UPDATE SKIP LOCKED`, so replicas polling at once share them and never take one twice), and
 * for each either re-sends the pending leg's original command (same requestId: the bank applies it
 * at most once and answers again with what it recorded, so this never debits twice) and sets the
 * next check with backoff, or, when the checks are used up, stops the timer and tells an operator.
 * The answer comes back as an ordinary bank result; one to a leg already applied is ignored as a
 * duplicate by the state machine.
 */
@Injectable()
export class CheckPendingLegsUseCase {
  private readonly logger = new Logger(CheckPendingLegsUseCase.name);

  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
    @Inject(LEG_TIMER_POLICY) private readonly policy: LegTimerPolicy,
  ) {}

  async execute(limit = LEG_CHECK_BATCH_SIZE): Promise<CheckPendingLegsOutcome> {
    return this.unitOfWork.run(async (tx): Promise<CheckPendingLegsOutcome> => {
      const now = this.clock.now();
      const due = await this.payments.lockDueForLegCheck(tx, now, limit);
      let resent = 0;
      let gaveUp = 0;
      for (const payment of due) {
        const decision = decideLegCheck(payment, now, this.policy);
        await this.payments.update(tx, decision.payment);
        // Identifiers and state only: no phone numbers, accounts or amounts in logs.
        const context = { paymentId: payment.id, status: payment.status, legChecks: decision.payment.legChecks };
        switch (decision.action) {
          case 'resend':
            await tx.publish(decision.request);
            resent += 1;
            this.logger.warn(
              { ...context, requestId: decision.request.data.requestId, nextCheckAt: decision.payment.legCheckAt?.toISOString() },
              'no bank answer to the pending leg in time; re-sent its command as a status check',
            );
            break;
          case 'give-up':
            gaveUp += 1;
            this.logger.error(context, 'no bank answer to the pending leg after all status checks; an operator must find out what the bank did');
            break;
          case 'stray-timer':
            this.logger.error(context, 'leg timer set on a payment with no pending leg request; timer stopped');
            break;
          default: {
            const unhandled: never = decision;
            throw new Error(`unhandled leg check decision ${JSON.stringify(unhandled)}`);
          }
        }
      }
      return { due: due.length, resent, gaveUp };
    });
  }
}
