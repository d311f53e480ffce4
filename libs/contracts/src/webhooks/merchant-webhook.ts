import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { PaymentStepFields } from '../events/payments';

/**
 * The Standard Webhooks event types a merchant's endpoint receives (docs/notifications.md): its
 * order's payment and its refunds, at each step payments announces. `payment.*` is always an order's
 * payment (a merchant never hears of a payment between people), `refund.*` a refund of one.
 */
export const MERCHANT_WEBHOOK_EVENT_TYPES = [
  'payment.initiated',
  'payment.completed',
  'payment.failed',
  'payment.reversed',
  'refund.initiated',
  'refund.completed',
  'refund.failed',
  'refund.reversed',
] as const;
export type MerchantWebhookEventType = (typeof MERCHANT_WEBHOOK_EVENT_TYPES)[number];

/**
 * What a merchant is told about one payment of its order, or one refund: the payment as payments
 * announced it (PaymentStepFields; a refund's `paymentId` is its `refundId` in the merchant API) and
 * its order. No customer data.
 */
export class MerchantPaymentWebhookData extends PaymentStepFields {
  @IsUUID()
  merchantId!: string;

  /** The order (`GET /v1/merchant-orders/{orderId}` reads it with its reference). */
  @IsUUID()
  orderId!: string;

  /** On a refund: the order's payment it refunds. */
  @IsOptional()
  @IsUUID()
  refundOf?: string;

  /** When payments recorded the step (the lifecycle event's time). */
  @IsISO8601({ strict: true })
  occurredAt!: string;
}

/**
 * The body of a merchant webhook (Standard Webhooks' `{ type, timestamp, data }`), signed with the
 * endpoint's secret; `webhook-id` is the delivery id, the same on every retry and replay, so the
 * merchant keeps one copy.
 */
export class MerchantWebhook {
  @IsIn(MERCHANT_WEBHOOK_EVENT_TYPES)
  type!: MerchantWebhookEventType;

  @IsISO8601({ strict: true })
  timestamp!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => MerchantPaymentWebhookData)
  data!: MerchantPaymentWebhookData;
}
