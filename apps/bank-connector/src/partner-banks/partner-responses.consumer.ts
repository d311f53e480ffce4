import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES, PartnerAccountLookupAnswered, PartnerLegAnswered } from '@kirim/contracts';
import type { InboundEvent, InboundMessageContext } from '@kirim/messaging';
import { RecordAccountLookupAnswer } from '../bank-accounts/record-account-lookup-answer/record-account-lookup-answer.use-case';
import { ApplyPartnerAnswer } from './apply-partner-answer/apply-partner-answer.use-case';

/**
 * Partner banks' answers, each on its own `partner.<bank>.responses.v1` (signed by that bank and
 * verified before they get here; a record naming another bank than its topic's is refused by the
 * codec). Thin: type in, use case, in the batch's transaction.
 */
@Controller()
export class PartnerResponsesConsumer {
  constructor(
    private readonly applyPartnerAnswer: ApplyPartnerAnswer,
    private readonly recordAccountLookupAnswer: RecordAccountLookupAnswer,
  ) {}

  @EventPattern(EVENT_TYPES.PARTNER_DEBIT_SUCCEEDED)
  async debitSucceeded(@Payload() event: InboundEvent<PartnerLegAnswered>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyPartnerAnswer.execute(ctx.tx, { direction: 'debit', approved: true, answer: event.data });
  }

  @EventPattern(EVENT_TYPES.PARTNER_DEBIT_DECLINED)
  async debitDeclined(@Payload() event: InboundEvent<PartnerLegAnswered>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyPartnerAnswer.execute(ctx.tx, { direction: 'debit', approved: false, answer: event.data });
  }

  @EventPattern(EVENT_TYPES.PARTNER_CREDIT_SUCCEEDED)
  async creditSucceeded(@Payload() event: InboundEvent<PartnerLegAnswered>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyPartnerAnswer.execute(ctx.tx, { direction: 'credit', approved: true, answer: event.data });
  }

  @EventPattern(EVENT_TYPES.PARTNER_CREDIT_DECLINED)
  async creditDeclined(@Payload() event: InboundEvent<PartnerLegAnswered>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyPartnerAnswer.execute(ctx.tx, { direction: 'credit', approved: false, answer: event.data });
  }

  @EventPattern(EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_ANSWERED)
  async accountLookupAnswered(@Payload() event: InboundEvent<PartnerAccountLookupAnswered>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.recordAccountLookupAnswer.execute(ctx.tx, { answer: event.data });
  }
}
