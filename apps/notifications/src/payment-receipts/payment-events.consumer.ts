import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CollectRequestEvent, EVENT_TYPES, MerchantOnboarded, PaymentLifecycleEvent } from '@kirim/contracts';
import type { InboundEvent, InboundMessageContext } from '@kirim/messaging';
import { RecordCollectReceipts } from '../collect-receipts/record-collect-receipts/record-collect-receipts.use-case';
import { RecordMerchantOnboarded } from '../merchant-webhooks/record-merchant-onboarded/record-merchant-onboarded.use-case';
import { PaymentStep, RecordMerchantPaymentEvent } from '../merchant-webhooks/record-merchant-payment-event/record-merchant-payment-event.use-case';
import { PaymentOutcome } from './record-payment-receipts/payment-receipt-rules';
import { RecordPaymentReceipts } from './record-payment-receipts/record-payment-receipts.use-case';

/**
 * Every event type on payments.events.v1 has exactly one handler here (the transport refuses to
 * start otherwise). Handlers only translate the event into the use cases' commands: the people a
 * payment concerns get receipts, and a merchant whose order it pays or refunds gets its webhook
 * event, both in the batch's one transaction; a collect request's customer and merchant owner get
 * theirs (collect-receipts/).
 */
@Controller()
export class PaymentEventsConsumer {
  constructor(
    private readonly recordPaymentReceipts: RecordPaymentReceipts,
    private readonly recordMerchantPaymentEvent: RecordMerchantPaymentEvent,
    private readonly recordMerchantOnboarded: RecordMerchantOnboarded,
    private readonly recordCollectReceipts: RecordCollectReceipts,
  ) {}

  /** No receipt yet (the payee should not hear of money that may never come); a merchant hears its order is being paid. */
  @EventPattern(EVENT_TYPES.PAYMENT_INITIATED)
  async onPaymentInitiated(@Payload() event: InboundEvent<PaymentLifecycleEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.record(ctx, 'initiated', event.data);
  }

  @EventPattern(EVENT_TYPES.PAYMENT_COMPLETED)
  async onPaymentCompleted(@Payload() event: InboundEvent<PaymentLifecycleEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.record(ctx, 'completed', event.data);
  }

  @EventPattern(EVENT_TYPES.PAYMENT_FAILED)
  async onPaymentFailed(@Payload() event: InboundEvent<PaymentLifecycleEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.record(ctx, 'failed', event.data);
  }

  @EventPattern(EVENT_TYPES.PAYMENT_REVERSED)
  async onPaymentReversed(@Payload() event: InboundEvent<PaymentLifecycleEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.record(ctx, 'reversed', event.data);
  }

  /** Who owns the merchant (the one who may manage its webhook endpoints), and its public name. */
  @EventPattern(EVENT_TYPES.MERCHANT_ONBOARDED)
  async onMerchantOnboarded(@Payload() event: InboundEvent<MerchantOnboarded>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.recordMerchantOnboarded.execute(ctx.tx, event.data);
  }

  /** The customer is asked to pay. */
  @EventPattern(EVENT_TYPES.COLLECT_REQUEST_CREATED)
  async onCollectRequestCreated(@Payload() event: InboundEvent<CollectRequestEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.recordCollectReceipts.execute(ctx.tx, { step: 'created', request: event.data });
  }

  @EventPattern(EVENT_TYPES.COLLECT_REQUEST_DECLINED)
  async onCollectRequestDeclined(@Payload() event: InboundEvent<CollectRequestEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.recordCollectReceipts.execute(ctx.tx, { step: 'declined', request: event.data });
  }

  @EventPattern(EVENT_TYPES.COLLECT_REQUEST_EXPIRED)
  async onCollectRequestExpired(@Payload() event: InboundEvent<CollectRequestEvent>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.recordCollectReceipts.execute(ctx.tx, { step: 'expired', request: event.data });
  }

  private async record(ctx: InboundMessageContext, step: PaymentStep, payment: PaymentLifecycleEvent): Promise<void> {
    if (step !== 'initiated') await this.recordPaymentReceipts.execute(ctx.tx, { outcome: step satisfies PaymentOutcome, payment });
    await this.recordMerchantPaymentEvent.execute(ctx.tx, { step, payment });
  }
}
