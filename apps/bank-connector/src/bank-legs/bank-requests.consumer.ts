import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BankLegRequested, EVENT_TYPES } from '@kirim/contracts';
import type { InboundEvent, InboundMessageContext } from '@kirim/messaging';
import { ApplyBankLeg } from './apply-bank-leg/apply-bank-leg.use-case';

/**
 * bank.requests.v1 (signed by payments; verified before it gets here) -> the bank. Thin: the
 * batch's transaction (`ctx.tx`) carries the ledger change or the partner's request, the answer and
 * the inbox record together, so a redelivery changes nothing.
 */
@Controller()
export class BankRequestsConsumer {
  constructor(private readonly applyBankLeg: ApplyBankLeg) {}

  @EventPattern(EVENT_TYPES.BANK_DEBIT_REQUESTED)
  async onDebitRequested(@Payload() event: InboundEvent<BankLegRequested>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyBankLeg.execute(ctx.tx, { direction: 'debit', request: event.data });
  }

  @EventPattern(EVENT_TYPES.BANK_CREDIT_REQUESTED)
  async onCreditRequested(@Payload() event: InboundEvent<BankLegRequested>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyBankLeg.execute(ctx.tx, { direction: 'credit', request: event.data });
  }
}
