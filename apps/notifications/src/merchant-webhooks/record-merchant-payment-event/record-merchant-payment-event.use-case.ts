import { Injectable } from '@nestjs/common';
import { MerchantPaymentWebhookData, MerchantWebhookEventType, PaymentLifecycleEvent, PaymentMerchantLink } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import type { DeliveryDraft } from '../../delivery/delivery';
import { DeliveryRepository } from '../../delivery/delivery.repository';
import { merchantEndpointKey, MerchantWebhookEndpointRepository } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import type { PaymentOutcome } from '../../payment-receipts/record-payment-receipts/payment-receipt-rules';
import { MerchantEventStore } from '../merchant-event.store';

/** The step of a payment that payments announced (its lifecycle event type): an outcome, or its start. */
export type PaymentStep = 'initiated' | PaymentOutcome;

export interface RecordMerchantPaymentEventCommand {
  readonly step: PaymentStep;
  readonly payment: PaymentLifecycleEvent;
}

export interface RecordMerchantPaymentEventResult {
  /** Whether this call recorded the merchant's event; false for a payment between people and for one seen before. */
  readonly recorded: boolean;
  /** Deliveries written: one per endpoint the merchant has enabled now. */
  readonly deliveries: number;
}

/**
 * Tells a merchant of each step of its order's payment and of its refunds (docs/notifications.md,
 * "Merchant webhooks"): records the event once per (merchant, payment, type) and writes a delivery
 * for each endpoint the merchant has enabled, in the consumer batch's transaction, so a redelivered
 * or replayed payment event delivers nothing twice. An endpoint registered later does not get
 * earlier events. A payment between people tells no merchant anything.
 */
@Injectable()
export class RecordMerchantPaymentEvent {
  constructor(
    private readonly events: MerchantEventStore,
    private readonly endpoints: MerchantWebhookEndpointRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(tx: TransactionScope, command: RecordMerchantPaymentEventCommand): Promise<RecordMerchantPaymentEventResult> {
    const link = command.payment.merchant;
    if (link === undefined) return { recorded: false, deliveries: 0 };
    const now = this.clock.now();
    const occurredAt = new Date(command.payment.occurredAt);
    const merchantEventId = this.ids.uuid();
    const recorded = await this.events.insertIgnoringDuplicate(tx, {
      merchantEventId,
      merchantId: link.merchantId,
      type: merchantWebhookType(link, command.step),
      data: merchantWebhookData(command.payment, link),
      occurredAt,
      createdAt: now,
    });
    if (!recorded) return { recorded: false, deliveries: 0 };
    const endpointIds = await this.endpoints.enabledIdsOf(tx, link.merchantId);
    const drafts: DeliveryDraft[] = endpointIds.map((endpointId) => ({
      deliveryId: this.ids.uuid(),
      merchantEventId,
      channel: 'merchant-webhook',
      endpointKey: merchantEndpointKey(endpointId),
      occurredAt,
      createdAt: now,
    }));
    return { recorded: true, deliveries: await this.deliveries.insertPending(tx, drafts) };
  }
}

/** `payment.<step>` for the order's payment, `refund.<step>` for a refund of it. */
export function merchantWebhookType(link: PaymentMerchantLink, step: PaymentStep): MerchantWebhookEventType {
  return `${link.refundOf === undefined ? 'payment' : 'refund'}.${step}`;
}

/** What the merchant is told: ids, amount and state; nothing about the customer. */
export function merchantWebhookData(payment: PaymentLifecycleEvent, link: PaymentMerchantLink): MerchantPaymentWebhookData {
  return {
    merchantId: link.merchantId,
    orderId: link.orderId,
    paymentId: payment.paymentId,
    ...(link.refundOf !== undefined ? { refundOf: link.refundOf } : {}),
    txnId: payment.txnId,
    amount: { value: payment.amount.value, currency: payment.amount.currency },
    status: payment.status,
    ...(payment.resultCode !== undefined ? { resultCode: payment.resultCode } : {}),
    ...(payment.rrn !== undefined ? { rrn: payment.rrn } : {}),
    occurredAt: new Date(payment.occurredAt).toISOString(),
  };
}
