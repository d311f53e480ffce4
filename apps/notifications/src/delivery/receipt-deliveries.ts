import type { IdGenerator } from '@kirim/platform';
import type { DeliveryDraft } from './delivery';
import type { DeliveryChannel } from './delivery-channel';

/** A receipt just recorded: whose it is. */
export interface RecordedReceipt {
  readonly notificationId: string;
  readonly userId: string;
}

export interface ReceiptDeliveryContext {
  /** The endpoints receipts go to (DeliveryEndpoints.forReceipts()). */
  readonly endpoints: readonly DeliveryChannel[];
  /** Whether the user has the app on a device; true for a user notifications has heard nothing of. */
  readonly hasApp: (userId: string) => boolean;
  readonly ids: IdGenerator;
  /** When the event told of happened. */
  readonly occurredAt: Date;
  readonly now: Date;
}

/**
 * The deliveries of receipts just recorded: one per receipt and endpoint whose audience the
 * recipient is in (every user for the chat platform; only users without the app for SMS). Every use
 * case that records receipts writes their deliveries with this, in the same transaction.
 */
export function receiptDeliveryDrafts(receipts: readonly RecordedReceipt[], context: ReceiptDeliveryContext): DeliveryDraft[] {
  return receipts.flatMap((receipt) =>
    context.endpoints
      .filter((endpoint) => endpoint.audience === 'every-user' || !context.hasApp(receipt.userId))
      .map((endpoint) => ({
        deliveryId: context.ids.uuid(),
        notificationId: receipt.notificationId,
        recipientUserId: receipt.userId,
        channel: endpoint.channel,
        endpointKey: endpoint.endpointKey,
        occurredAt: context.occurredAt,
        createdAt: context.now,
      })),
  );
}
