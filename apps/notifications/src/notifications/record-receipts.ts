import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, NotificationRecorded } from '@kirim/contracts';
import type { InTransaction, TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { DeliveryEndpoints } from '../delivery/delivery-channel';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { receiptDeliveryDrafts } from '../delivery/receipt-deliveries';
import type { AudienceOf } from '../payment-receipts/record-payment-receipts/payment-receipt-rules';
import { NotificationDraft, NotificationStore } from '../payment-receipts/record-payment-receipts/notification-store';
import { RecipientPreferencesRepository } from '../recipient-preferences/recipient-preferences.repository';

/** How the readers of a receipt read it, as identity last announced it. */
export interface ReceiptReaders {
  /** The reader's language and time zone; `{}` (en-IN, Asia/Kolkata) for one who set none. */
  readonly audienceOf: AudienceOf;
  /** Whether the reader has the app; true for one identity announced no presence for (SMS is for those known not to). */
  readonly hasApp: (userId: string) => boolean;
}

export interface RecordedReceipts {
  /** Notifications this call recorded; 0 when the event was seen before. */
  readonly recorded: number;
  /** Deliveries written for them: one per notification and configured endpoint whose audience the recipient is in. */
  readonly deliveries: number;
}

/**
 * The one place where receipts, their announcements (`notification.recorded.v1`) and their
 * deliveries are written together, in the consumer batch's transaction: so every use case that
 * records receipts commits a receipt with its delivery and its announcement, never one without the
 * others, and a replayed event (its receipts already there) announces and delivers nothing twice.
 */
@Injectable()
export class ReceiptRecorder {
  constructor(
    private readonly store: NotificationStore,
    private readonly deliveries: DeliveryRepository,
    private readonly endpoints: DeliveryEndpoints,
    private readonly preferences: RecipientPreferencesRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** Everyone who may be told, looked up in one query. */
  async readersOf(tx: InTransaction, userIds: readonly string[]): Promise<ReceiptReaders> {
    const known = await this.preferences.findByUserIds(tx, userIds);
    return {
      audienceOf: (userId) => {
        const preferences = known.get(userId);
        return preferences ? { locale: preferences.locale, timeZone: preferences.timeZone } : {};
      },
      hasApp: (userId) => known.get(userId)?.hasApp ?? true,
    };
  }

  /** Inserts the drafts not recorded yet, announces each and writes its deliveries; `occurredAt` is when the event told of happened. */
  async record(tx: TransactionScope, drafts: readonly NotificationDraft[], readers: ReceiptReaders, occurredAt: Date): Promise<RecordedReceipts> {
    const inserted = await this.store.insertIgnoringDuplicates(tx.manager, drafts);
    // Only rows inserted now are announced, so a replayed event announces nothing twice.
    for (const notification of inserted) {
      const data: NotificationRecorded = {
        notificationId: notification.notificationId,
        userId: notification.userId,
        kind: notification.kind,
        ...(notification.collectRequestId !== undefined ? { collectRequestId: notification.collectRequestId } : { paymentId: notification.paymentId }),
        recordedAt: notification.createdAt.toISOString(),
      };
      await tx.publish({ type: EVENT_TYPES.NOTIFICATION_RECORDED, key: notification.userId, subject: notification.notificationId, data });
    }
    // Only new notifications get deliveries (and the table's unique key would refuse a second one).
    const deliveryDrafts = receiptDeliveryDrafts(inserted, {
      endpoints: this.endpoints.forReceipts(),
      hasApp: readers.hasApp,
      ids: this.ids,
      occurredAt,
      now: this.clock.now(),
    });
    const deliveries = await this.deliveries.insertPending(tx, deliveryDrafts);
    return { recorded: inserted.length, deliveries };
  }
}
