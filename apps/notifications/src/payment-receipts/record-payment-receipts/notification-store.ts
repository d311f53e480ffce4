import type { EntityManager } from 'typeorm';
import type { NotificationKind } from '@kirim/contracts';
import type { ReceiptDraft } from './payment-receipt-rules';

export interface RecordedNotification {
  readonly notificationId: string;
  readonly userId: string;
  readonly kind: NotificationKind;
  readonly paymentId: string;
  readonly createdAt: Date;
}

/**
 * Where notifications are kept (a port, so the use case's rules are unit-tested without a database).
 * An abstract class so it doubles as the Nest injection token.
 */
export abstract class NotificationStore {
  /**
   * Inserts the drafts in the caller's transaction, skipping any that already exist for the same
   * (user, payment, kind), and returns only the rows this call inserted.
   */
  abstract insertIgnoringDuplicates(manager: EntityManager, drafts: readonly ReceiptDraft[]): Promise<RecordedNotification[]>;
}
