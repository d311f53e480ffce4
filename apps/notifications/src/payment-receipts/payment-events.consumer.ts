import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES, PaymentLifecycleEvent } from '@kirim/contracts';
import type { InboundEvent, InboundMessageContext } from '@kirim/messaging';
import { RecordPaymentReceipts } from './record-payment-receipts/record-payment-receipts.use-case';

/**
 * Every event type on payments.events.v1 has exactly one handler here (the transport refuses to
 * start otherwise). Handlers only translate the event into the use case's command.
 */
@Controller()
export class PaymentEventsConsumer {
  constructor(private readonly recordPaymentReceipts: RecordPaymentReceipts) {}

  /** Nothing to tell yet: the payer started it and the payee should not hear of money that may never come. */
  @EventPattern(EVENT_TYPES.PAYMENT_INITIATED)
  async onPaymentInitiated(@Payload() _event: InboundEvent<PaymentLifecycleEvent>, @Ctx() _ctx: InboundMessageContext): Promise<void> {
    return;
  }

  @EventPattern(EVENT_TYPES.PAYMENT_COMPLETED)
  async onPaymentCompleted(@Payload() event: InboundEvent<PaymentLifecycleEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.recordPaymentReceipts.execute(ctx.tx, { outcome: 'completed', payment: event.data });
  }

  @EventPattern(EVENT_TYPES.PAYMENT_FAILED)
  async onPaymentFailed(@Payload() event: InboundEvent<PaymentLifecycleEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.recordPaymentReceipts.execute(ctx.tx, { outcome: 'failed', payment: event.data });
  }

  @EventPattern(EVENT_TYPES.PAYMENT_REVERSED)
  async onPaymentReversed(@Payload() event: InboundEvent<PaymentLifecycleEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.recordPaymentReceipts.execute(ctx.tx, { outcome: 'reversed', payment: event.data });
  }
}
