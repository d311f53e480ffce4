import type { MerchantWebhook, NotificationKind } from '@kirim/contracts';

/**
 * The channels a message goes out on (docs/notifications.md): a user's receipt into their chat
 * thread through the messaging platform's webhook, and by SMS to a user without the app; a
 * merchant's event to the merchant's own endpoints.
 */
export const DELIVERY_CHANNELS = ['chat', 'merchant-webhook', 'sms'] as const;
export type DeliveryChannelName = (typeof DELIVERY_CHANNELS)[number];

/**
 * - pending: waiting for its next attempt (next_attempt_at);
 * - delivering: claimed by a worker until next_attempt_at (a lease): a worker that died mid-send
 *   leaves it to be claimed again when the lease is over;
 * - delivered: the endpoint answered 2xx;
 * - dead: refused for good, or out of attempts; an operator may replay it.
 */
export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * What a delivery carries: one user's notification (a receipt), or one merchant event. A delivery is
 * one per (message, endpoint), so a message redelivered or replayed is delivered once per endpoint.
 */
export type DeliveryMessageRef =
  | { readonly notificationId: string; readonly recipientUserId: string; readonly merchantEventId?: undefined }
  | { readonly merchantEventId: string; readonly notificationId?: undefined; readonly recipientUserId?: undefined };

/** A delivery about to be written, in the transaction of the message it carries. */
export type DeliveryDraft = DeliveryMessageRef & {
  readonly deliveryId: string;
  readonly channel: DeliveryChannelName;
  readonly endpointKey: string;
  /** When the event told of happened (the payment event's occurredAt). */
  readonly occurredAt: Date;
  readonly createdAt: Date;
};

/** A user's receipt as its channel sends it: about a payment or a collect request, exactly one of the two. */
export type NotificationMessage = ({ readonly paymentId: string; readonly collectRequestId?: undefined } | { readonly collectRequestId: string; readonly paymentId?: undefined }) & {
  readonly notificationId: string;
  readonly recipientUserId: string;
  readonly kind: NotificationKind;
  /** The locale title and body are written in. */
  readonly locale: string;
  readonly title: string;
  readonly body: string;
  readonly occurredAt: Date;
};

/** A merchant's event as its endpoint receives it: the webhook's `type` and `data` (libs/contracts MerchantWebhook). */
export interface MerchantEventMessage {
  readonly merchantEventId: string;
  readonly merchantId: string;
  readonly type: MerchantWebhook['type'];
  readonly data: MerchantWebhook['data'];
}

/** What a channel needs to send one delivery: the row and the message it carries. */
export type ClaimedDelivery = {
  readonly deliveryId: string;
  readonly endpointKey: string;
  readonly channel: DeliveryChannelName;
  /** Counting this one: attempts are counted when claimed, so a worker dying mid-send still uses one. */
  readonly attempt: number;
} & ({ readonly notification: NotificationMessage; readonly merchantEvent?: undefined } | { readonly merchantEvent: MerchantEventMessage; readonly notification?: undefined });

/**
 * What an endpoint made of one attempt. A channel never throws for what an endpoint did: a refused
 * request, a timeout and a network error are all outcomes.
 */
export type DeliveryOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retryable'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'permanent'; readonly reason: string };

/** A delivery as the operator API and the inbox show it. */
export interface DeliveryRecord {
  readonly deliveryId: string;
  /** The receipt it carries, and whose it is; null on a merchant event's delivery. */
  readonly notificationId: string | null;
  readonly recipientUserId: string | null;
  /** The merchant event it carries; null on a receipt's delivery. */
  readonly merchantEventId: string | null;
  readonly channel: DeliveryChannelName;
  readonly endpointKey: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
  readonly deadAt: Date | null;
  readonly replayedAt: Date | null;
  readonly replayedBy: string | null;
}

/** last_error's column size: a status line or an error name, never a receiver's body. */
export const LAST_ERROR_MAX_LENGTH = 300;

/** Cuts a reason to the column, without control characters (it lands in logs and the operator API). */
export function boundedReason(reason: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = reason.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return printable.length <= LAST_ERROR_MAX_LENGTH ? printable : `${printable.slice(0, LAST_ERROR_MAX_LENGTH - 1)}…`;
}
