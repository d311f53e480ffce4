import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BankLegRequested, EVENT_TYPES } from '@kirim/contracts';
import type { InboundEvent, InboundMessageContext } from '@kirim/messaging';
import { ApplyBankLeg } from './bank-legs/apply-bank-leg/apply-bank-leg.use-case';

/**
 * bank.requests.v1 -> the bank -> bank.responses.v1. Thin: the batch's transaction (`ctx.tx`) carries
 * the ledger change, the answer and the inbox record together, so a redelivery changes nothing.
 */
@Controller()
export class BankRequestsConsumer {
  constructor(private readonly applyBankLeg: ApplyBankLeg) {}

  @EventPattern(EVENT_TYPES.BANK_DEBIT_REQUESTED)
  async onDebitRequested(@Payload() event: InboundEvent<BankLegRequested>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyBankLeg.execute('debit', event.data, ctx.tx);
  }

  @EventPattern(EVENT_TYPES.BANK_CREDIT_REQUESTED)
  async onCreditRequested(@Payload() event: InboundEvent<BankLegRequested>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyBankLeg.execute('credit', event.data, ctx.tx);
  }
}
