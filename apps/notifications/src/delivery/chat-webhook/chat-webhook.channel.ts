import { CHAT_RECEIPT_EVENT_TYPE, ChatReceiptWebhook } from '@kirim/contracts';
import type { Clock, HttpTransport } from '@kirim/platform';
import type { ClaimedDelivery, DeliveryOutcome, NotificationMessage } from '../delivery';
import { DeliveryChannel } from '../delivery-channel';
import { postStandardWebhook } from '../standard-webhook/post-standard-webhook';

export interface ChatWebhookOptions {
  /** The endpoint's key on every delivery row: `chat` for the one configured platform. */
  readonly endpointKey: string;
  readonly url: string;
  /** The platform's Standard Webhooks secret, `whsec_<base64>`. */
  readonly secret: string;
  readonly timeoutMs: number;
  /** Injected for tests; undiciTransport otherwise. */
  readonly transport?: HttpTransport;
}

/**
 * The chat platform's webhook: one POST per delivery of a user's receipt, signed per Standard
 * Webhooks with the platform's secret (postStandardWebhook says what each answer means).
 * `webhook-id` is the delivery id, the same on every retry, so the platform drops a copy it already
 * has (delivery is at least once; docs/notifications.md).
 */
export class ChatWebhookChannel extends DeliveryChannel {
  readonly channel = 'chat' as const;
  readonly endpointKey: string;

  constructor(
    private readonly options: ChatWebhookOptions,
    private readonly clock: Clock,
  ) {
    super();
    this.endpointKey = options.endpointKey;
  }

  async deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    // Only receipts are written for this endpoint; anything else is a wiring bug, not worth retrying.
    if (delivery.notification === undefined) return { kind: 'permanent', reason: 'not a receipt: the chat platform takes users\' receipts only' };
    const sentAt = this.clock.now();
    const payload = JSON.stringify(chatReceiptPayload(delivery.notification, sentAt));
    return postStandardWebhook({ url: this.options.url, webhookId: delivery.deliveryId, payload, sentAt, secrets: [this.options.secret], timeoutMs: this.options.timeoutMs }, this.clock, this.options.transport);
  }
}

/** The webhook's body, as libs/contracts declares it for the platform (ChatReceiptWebhook). */
export function chatReceiptPayload(notification: NotificationMessage, sentAt: Date): ChatReceiptWebhook {
  return {
    type: CHAT_RECEIPT_EVENT_TYPE,
    timestamp: sentAt.toISOString(),
    data: {
      userId: notification.recipientUserId,
      notificationId: notification.notificationId,
      kind: notification.kind,
      // Only the one it is about: the contract refuses both, and neither.
      ...(notification.collectRequestId !== undefined ? { collectRequestId: notification.collectRequestId } : { paymentId: notification.paymentId }),
      // The locale the receipt was written in (the recipient's, or en-IN), stored with its text.
      locale: notification.locale,
      title: notification.title,
      body: notification.body,
      occurredAt: notification.occurredAt.toISOString(),
    },
  };
}
