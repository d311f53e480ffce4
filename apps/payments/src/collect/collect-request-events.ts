import { CollectRequestEvent, EVENT_TYPES, eventOf, EventOf } from '@kirim/contracts';
import { CollectRequest } from './collect-request';

/** The collect request's own events; an approval has none (its payment's lifecycle events follow). */
export type CollectRequestEventType = typeof EVENT_TYPES.COLLECT_REQUEST_CREATED | typeof EVENT_TYPES.COLLECT_REQUEST_DECLINED | typeof EVENT_TYPES.COLLECT_REQUEST_EXPIRED;

/**
 * The event telling that `request` (as it is stored after the change) was made, declined or expired,
 * keyed by its id: notifications tells the customer and a merchant's owner (docs/notifications.md).
 * Published in the transaction that writes the change, so it is announced exactly when it happened.
 * `occurredAt`: when it was made, answered, or ran out (its expiry, as `decided_at` says).
 */
export function collectRequestEvent(type: CollectRequestEventType, request: CollectRequest, occurredAt: Date): EventOf<CollectRequestEventType> {
  const data = Object.assign(new CollectRequestEvent(), {
    collectRequestId: request.id,
    payerUserId: request.payerUserId,
    // Exactly one requester: the stored row's CHECK holds it, and the type says which.
    ...(request.merchantId !== null ? { merchantId: request.merchantId } : { requesterUserId: request.requesterUserId }),
    reference: request.reference,
    amount: request.amount.toDto(),
    ...(request.note !== null ? { note: request.note } : {}),
    status: request.status,
    ...(request.resultCode !== null ? { resultCode: request.resultCode } : {}),
    expiresAt: request.expiresAt.toISOString(),
    occurredAt: occurredAt.toISOString(),
  });
  return eventOf(type, request.id, data);
}
