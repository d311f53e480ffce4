import { Webhook } from 'standardwebhooks';
import { CHAT_RECEIPT_EVENT_TYPE, ChatReceiptWebhook } from '@kirim/contracts';
import type { Clock } from '@kirim/platform';
import { parseRetryAfter } from '../backoff';
import type { ClaimedDelivery, DeliveryOutcome } from '../delivery';
import { DeliveryChannel } from '../delivery-channel';

export interface ChatWebhookOptions {
  /** The endpoint's key on every delivery row: `chat` for the one configured platform. */
  readonly endpointKey: string;
  readonly url: string;
  /** The platform's Standard Webhooks secret, `whsec_<base64>`. */
  readonly secret: string;
  readonly timeoutMs: number;
}

/**
 * The chat platform's webhook: one POST per delivery, signed per Standard Webhooks with the
 * `standardwebhooks` package. `webhook-id` is the delivery id, the same on every retry, so the
 * platform drops a copy it already has (delivery is at least once; docs/notifications.md).
 *
 * What an answer means: 2xx delivered; 408, 429, 5xx, a network error or no answer within
 * `timeoutMs` are worth retrying (429/503's Retry-After is passed on); any other status (4xx, and
 * 3xx: redirects are not followed, a moved endpoint is a configuration error) is permanent.
 * Reasons name the status or the error's kind, never the URL or a body (they are stored and logged).
 */
export class ChatWebhookChannel extends DeliveryChannel {
  readonly channel = 'chat' as const;
  readonly endpointKey: string;
  private readonly webhook: Webhook;

  constructor(
    private readonly options: ChatWebhookOptions,
    private readonly clock: Clock,
  ) {
    super();
    this.endpointKey = options.endpointKey;
    this.webhook = new Webhook(options.secret);
  }

  async deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    const sentAt = this.clock.now();
    const payload = JSON.stringify(chatReceiptPayload(delivery, sentAt));
    const headers = {
      'content-type': 'application/json',
      'webhook-id': delivery.deliveryId,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': this.webhook.sign(delivery.deliveryId, sentAt, payload),
    };
    let response: Response;
    try {
      response = await fetch(this.options.url, { method: 'POST', headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error: unknown) {
      return { kind: 'retryable', reason: describeFetchError(error, this.options.timeoutMs) };
    }
    // The body is not read (nothing in it changes the outcome), but it must be released.
    await response.body?.cancel().catch(() => undefined);
    return outcomeOf(response.status, response.headers.get('retry-after'), this.clock.now());
  }
}

/** The webhook's body, as libs/contracts declares it for the platform (ChatReceiptWebhook). */
export function chatReceiptPayload(delivery: ClaimedDelivery, sentAt: Date): ChatReceiptWebhook {
  const { notification } = delivery;
  return {
    type: CHAT_RECEIPT_EVENT_TYPE,
    timestamp: sentAt.toISOString(),
    data: {
      userId: notification.recipientUserId,
      notificationId: notification.notificationId,
      kind: notification.kind,
      paymentId: notification.paymentId,
      // The locale the receipt was written in (the recipient's, or en-IN), stored with its text.
      locale: notification.locale,
      title: notification.title,
      body: notification.body,
      occurredAt: notification.occurredAt.toISOString(),
    },
  };
}

/** The outcome an HTTP status means (see ChatWebhookChannel). */
export function outcomeOf(status: number, retryAfter: string | null, now: Date): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return { kind: 'retryable', reason: `HTTP ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: 'permanent', reason: `HTTP ${status}` };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code !== undefined ? `network error ${code}` : 'network error';
}
