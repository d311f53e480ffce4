import { Injectable, Logger } from '@nestjs/common';
import { PartnerLegAnswered } from '@kirim/contracts';
import { MessageRefusedError, TransactionScope } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { legAnswerOf, partnerAnswerMismatch } from '../../adapters/kafka-partner/kafka-partner.mapper';
import type { LegDirection } from '../../bank-legs/bank-adapter.port';
import { bankLegMetrics } from '../../bank-legs/bank-leg-metrics';
import { bankLegResultEvent, LegAnswer } from '../../bank-legs/bank-leg-result';
import { PartnerLegRepository } from '../partner-leg.repository';
import { PartnerRegistry } from '../partner-registry';

export interface ApplyPartnerAnswerCommand {
  readonly direction: LegDirection;
  /** The answer's type: succeeded (true) or declined (false). */
  readonly approved: boolean;
  readonly answer: PartnerLegAnswered;
}

/** `applied`: passed on to payments; `duplicate`: the same answer again (a redelivery or a re-answered status check). */
export type ApplyPartnerAnswerOutcome = 'applied' | 'duplicate';

/**
 * A partner bank's answer to a leg (its signature was verified before it got here): checked
 * against the leg kirim asked for, recorded, and passed on to payments on bank.responses, in one
 * transaction. An answer about anything else (another amount or account, a leg never asked, a
 * second and different answer to one leg) is refused: dead-lettered with the reason and logged as
 * an error for an operator, since the bank may have moved money it should not have.
 */
@Injectable()
export class ApplyPartnerAnswer {
  private readonly logger = new Logger(ApplyPartnerAnswer.name);

  constructor(
    private readonly legs: PartnerLegRepository,
    private readonly registry: PartnerRegistry,
    private readonly clock: Clock,
  ) {}

  async execute(tx: TransactionScope, { direction, approved, answer }: ApplyPartnerAnswerCommand): Promise<ApplyPartnerAnswerOutcome> {
    const leg = await this.legs.lockByRequestId(tx, answer.requestId);
    if (!leg) return this.refuse(answer, `it answers request ${answer.requestId}, which kirim never sent to ${answer.bankCode}`);
    const mismatch = partnerAnswerMismatch(leg, direction, answer);
    if (mismatch !== null) return this.refuse(answer, `it does not answer the leg asked: ${mismatch}`);
    const verdict = legAnswerOf(answer, approved);
    if ('problem' in verdict) return this.refuse(answer, verdict.problem);
    if (leg.answer !== null) {
      if (sameAnswer(leg.answer, verdict)) {
        bankLegMetrics.partnerAnswered(tx, leg.bankCode, direction, 'duplicate');
        return 'duplicate';
      }
      return this.refuse(answer, `the bank answered request ${answer.requestId} before, differently`);
    }

    const now = this.clock.now();
    await this.legs.recordAnswer(tx, leg.requestId, verdict, now);
    const partner = this.registry.find(leg.bankCode);
    const tookMs = now.getTime() - leg.forwardedAt.getTime();
    if (partner && tookMs > partner.answerTimeoutMs) {
      this.logger.warn({ bankCode: leg.bankCode, requestId: leg.requestId, tookMs, answerTimeoutMs: partner.answerTimeoutMs }, 'partner bank answered a leg late');
    }
    await tx.publish(bankLegResultEvent(direction, leg, verdict));
    bankLegMetrics.partnerAnswered(tx, leg.bankCode, direction, verdict.approved ? 'approved' : 'declined', tookMs / 1000);
    return 'applied';
  }

  private refuse(answer: PartnerLegAnswered, why: string): never {
    // Identifiers only: no account data or amounts in logs.
    this.logger.error({ bankCode: answer.bankCode, requestId: answer.requestId, paymentId: answer.paymentId, why }, 'partner bank answer refused');
    throw new MessageRefusedError(`partner answer refused: ${why}`);
  }
}

function sameAnswer(a: LegAnswer, b: LegAnswer): boolean {
  if (a.approved && b.approved) return a.rrn === b.rrn;
  if (!a.approved && !b.approved) return a.resultCode === b.resultCode;
  return false;
}
