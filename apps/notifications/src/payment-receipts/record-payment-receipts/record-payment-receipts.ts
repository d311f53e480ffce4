import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, NotificationRecorded, PaymentLifecycleEvent } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { NotificationStore } from './notification-store';
import { PaymentOutcome, receiptsFor } from './payment-receipt-rules';

export interface RecordPaymentReceiptsCommand {
  readonly outcome: PaymentOutcome;
  readonly payment: PaymentLifecycleEvent;
}

export interface RecordPaymentReceiptsResult {
  /** Notifications this call recorded; 0 when the event was seen before. */
  readonly recorded: number;
}

/**
 * Records the receipts a payment outcome calls for and announces each new one. Runs in the
 * consumer batch's transaction: the rows, their outbox events and the inbox record commit together.
 */
@Injectable()
export class RecordPaymentReceipts {
  constructor(private readonly store: NotificationStore) {}

  async execute(tx: TransactionScope, command: RecordPaymentReceiptsCommand): Promise<RecordPaymentReceiptsResult> {
    const drafts = receiptsFor(command.outcome, command.payment);
    const inserted = await this.store.insertIgnoringDuplicates(tx.manager, drafts);
    // Only rows inserted now are announced, so a replayed payment event announces nothing twice.
    for (const notification of inserted) {
      const data: NotificationRecorded = {
        notificationId: notification.notificationId,
        userId: notification.userId,
        kind: notification.kind,
        paymentId: notification.paymentId,
        recordedAt: notification.createdAt.toISOString(),
      };
      await tx.publish({ type: EVENT_TYPES.NOTIFICATION_RECORDED, key: notification.userId, subject: notification.notificationId, data });
    }
    return { recorded: inserted.length };
  }
}
