import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BankLegResult, EVENT_TYPES } from '@kirim/contracts';
import type { InboundEvent, InboundMessageContext } from '@kirim/messaging';
import { ApplyBankLegResultUseCase } from './apply-bank-leg-result/apply-bank-leg-result.use-case';

/**
 * Banks' answers to debit and credit legs (topic bank.responses.v1). Thin: each handler names the
 * leg and outcome and hands over to the use case, inside the batch's transaction (ctx.tx).
 */
@Controller()
export class BankResponsesConsumer {
  constructor(private readonly applyBankLegResult: ApplyBankLegResultUseCase) {}

  @EventPattern(EVENT_TYPES.BANK_DEBIT_SUCCEEDED)
  async debitSucceeded(@Payload() event: InboundEvent<BankLegResult>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyBankLegResult.execute(ctx.tx, { leg: 'debit', outcome: 'succeeded', result: event.data });
  }

  @EventPattern(EVENT_TYPES.BANK_DEBIT_DECLINED)
  async debitDeclined(@Payload() event: InboundEvent<BankLegResult>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyBankLegResult.execute(ctx.tx, { leg: 'debit', outcome: 'declined', result: event.data });
  }

  @EventPattern(EVENT_TYPES.BANK_CREDIT_SUCCEEDED)
  async creditSucceeded(@Payload() event: InboundEvent<BankLegResult>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyBankLegResult.execute(ctx.tx, { leg: 'credit', outcome: 'succeeded', result: event.data });
  }

  @EventPattern(EVENT_TYPES.BANK_CREDIT_DECLINED)
  async creditDeclined(@Payload() event: InboundEvent<BankLegResult>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyBankLegResult.execute(ctx.tx, { leg: 'credit', outcome: 'declined', result: event.data });
  }
}
