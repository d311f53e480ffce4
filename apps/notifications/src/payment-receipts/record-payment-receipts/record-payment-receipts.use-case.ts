import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, NotificationRecorded, PaymentLifecycleEvent, PaymentMerchantLink } from '@kirim/contracts';
import type { InTransaction, TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import type { DeliveryDraft } from '../../delivery/delivery';
import { DeliveryEndpoints } from '../../delivery/delivery-channel';
import { DeliveryRepository } from '../../delivery/delivery.repository';
import { MerchantDirectory } from '../../merchant-webhooks/merchant-directory';
import { MerchantEventStore } from '../../merchant-webhooks/merchant-event.store';
import { RecipientPreferencesRepository } from '../../recipient-preferences/recipient-preferences.repository';
import { NotificationStore } from './notification-store';
import { MerchantReceiptContext, PaymentOutcome, receiptsFor } from './payment-receipt-rules';

export interface RecordPaymentReceiptsCommand {
  readonly outcome: PaymentOutcome;
  readonly payment: PaymentLifecycleEvent;
}

export interface RecordPaymentReceiptsResult {
  /** Notifications this call recorded; 0 when the event was seen before. */
  readonly recorded: number;
  /** Deliveries written for them: one per notification and configured endpoint. */
  readonly deliveries: number;
}

/**
 * Records the receipts a payment outcome calls for, each in its recipient's language and time zone
 * (as identity last announced them; en-IN and Asia/Kolkata for one who set none), announces each new one and writes its
 * deliveries (one per configured endpoint: the chat platform's webhook). A merchant's order payment
 * or refund names the merchant, and a refund says how much of the payment it returns, as far as
 * notifications knows them (payment-receipt-rules.ts). Runs in the consumer
 * batch's transaction: the rows, their deliveries, their outbox events and the inbox record commit
 * together, so a receipt is never without its delivery, nor a delivery without its receipt.
 */
@Injectable()
export class RecordPaymentReceipts {
  constructor(
    private readonly store: NotificationStore,
    private readonly deliveries: DeliveryRepository,
    private readonly endpoints: DeliveryEndpoints,
    private readonly preferences: RecipientPreferencesRepository,
    private readonly merchants: MerchantDirectory,
    private readonly merchantEvents: MerchantEventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(tx: TransactionScope, command: RecordPaymentReceiptsCommand): Promise<RecordPaymentReceiptsResult> {
    // One query for both parties; each receipt is then written in its reader's language and zone.
    const { payerUserId, payeeUserId } = command.payment;
    const known = await this.preferences.findByUserIds(tx, [payerUserId, payeeUserId]);
    const link = command.payment.merchant;
    const merchant = link === undefined ? {} : await this.merchantContextOf(tx, command.outcome, link);
    const drafts = receiptsFor(
      command.outcome,
      command.payment,
      (userId) => {
        const preferences = known.get(userId);
        return preferences ? { locale: preferences.locale, timeZone: preferences.timeZone } : {};
      },
      merchant,
    );
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
    // Only new notifications get deliveries (and the table's unique key would refuse a second one).
    const now = this.clock.now();
    const occurredAt = new Date(command.payment.occurredAt);
    const deliveryDrafts: DeliveryDraft[] = inserted.flatMap((notification) =>
      this.endpoints.forReceipts().map((endpoint) => ({
        deliveryId: this.ids.uuid(),
        notificationId: notification.notificationId,
        recipientUserId: notification.userId,
        channel: endpoint.channel,
        endpointKey: endpoint.endpointKey,
        occurredAt,
        createdAt: now,
      })),
    );
    const deliveries = await this.deliveries.insertPending(tx, deliveryDrafts);
    return { recorded: inserted.length, deliveries };
  }

  /**
   * The merchant's name and, for a completed refund, the amount of the order's payment: read in the
   * batch's transaction, so an onboarding or an order payment recorded earlier in the same batch
   * counts. Either may be unknown (a merchant not heard of yet, a payment completed before
   * notifications kept merchant events); the receipts then say less.
   */
  private async merchantContextOf(tx: InTransaction, outcome: PaymentOutcome, link: PaymentMerchantLink): Promise<MerchantReceiptContext> {
    const known = await this.merchants.findByIdIn(tx, link.merchantId);
    const paidAmount = link.refundOf !== undefined && outcome === 'completed' ? await this.merchantEvents.paidAmountOf(tx, link.merchantId, link.refundOf) : null;
    return { ...(known !== null ? { displayName: known.displayName } : {}), ...(paidAmount !== null ? { paidAmount } : {}) };
  }
}
