import type { MerchantWebhook } from '@kirim/contracts';
import type { Clock } from '@kirim/platform';
import type { ClaimedDelivery, DeliveryOutcome, MerchantEventMessage } from '../delivery';
import { DeliveryChannel } from '../delivery-channel';
import { postStandardWebhook } from '../standard-webhook/post-standard-webhook';
import { MerchantWebhookEndpoint, merchantEndpointKey, signingSecrets } from './merchant-webhook-endpoint';

/**
 * One merchant's webhook endpoint: one POST per delivery of the merchant's events, signed per
 * Standard Webhooks with the endpoint's secret, and with the previous one too while a rotation's
 * overlap lasts (postStandardWebhook says what each answer means). Built from the endpoint's row
 * at each tick of the worker, so a rotation or a disabling is seen at the next one.
 */
export class MerchantWebhookChannel extends DeliveryChannel {
  readonly channel = 'merchant-webhook' as const;
  readonly endpointKey: string;

  constructor(
    private readonly endpoint: MerchantWebhookEndpoint,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {
    super();
    this.endpointKey = merchantEndpointKey(endpoint.endpointId);
  }

  async deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    // Deliveries are written per merchant's endpoint: another message here is a wiring bug, and
    // another merchant's event must never reach this endpoint.
    if (delivery.merchantEvent === undefined) return { kind: 'permanent', reason: "not a merchant event: a merchant's endpoint takes its own events only" };
    if (delivery.merchantEvent.merchantId !== this.endpoint.merchantId) return { kind: 'permanent', reason: "another merchant's event" };
    const sentAt = this.clock.now();
    const payload = JSON.stringify(merchantWebhookPayload(delivery.merchantEvent, sentAt));
    return postStandardWebhook(
      { url: this.endpoint.url, webhookId: delivery.deliveryId, payload, sentAt, secrets: signingSecrets(this.endpoint, sentAt), timeoutMs: this.timeoutMs },
      this.clock,
    );
  }
}

/** The webhook's body, as libs/contracts declares it for merchants (MerchantWebhook). */
export function merchantWebhookPayload(event: MerchantEventMessage, sentAt: Date): MerchantWebhook {
  return { type: event.type, timestamp: sentAt.toISOString(), data: event.data };
}
