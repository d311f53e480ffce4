import type { EntityManager } from 'typeorm';
import type { NotificationKind } from '@kirim/contracts';
import type { ReceiptLocale } from '../../receipt-text/receipt-locale';

/** What a notification is about: a payment or a collect request, exactly one of the two (ck_notifications_subject). */
export type NotificationSubject = { readonly paymentId: string; readonly collectRequestId?: undefined } | { readonly collectRequestId: string; readonly paymentId?: undefined };

/** A notification about to be recorded: who is told what about which payment or collect request, in which words. */
export type NotificationDraft = NotificationSubject & {
  readonly userId: string;
  readonly kind: NotificationKind;
  /** The locale the text is written in, after fallback (stored with it, sent with it to the chat). */
  readonly locale: ReceiptLocale;
  readonly title: string;
  readonly body: string;
};

export type RecordedNotification = NotificationSubject & {
  readonly notificationId: string;
  readonly userId: string;
  readonly kind: NotificationKind;
  readonly createdAt: Date;
};

/**
 * Where notifications are kept (a port, so the use case's rules are unit-tested without a database).
 * An abstract class so it doubles as the Nest injection token.
 */
export abstract class NotificationStore {
  /**
   * Inserts the drafts in the caller's transaction, skipping any that already exist for the same
   * (user, payment, kind) or (user, collect request, kind), and returns only the rows this call inserted.
   */
  abstract insertIgnoringDuplicates(manager: EntityManager, drafts: readonly NotificationDraft[]): Promise<RecordedNotification[]>;

  /**
   * From now on, insertIgnoringDuplicates in `manager`'s transaction keeps its drafts for
   * writeDeferredInserts, which writes them all with one statement (a consumer chunk's receipts),
   * and answers each as inserted now. Only for a transaction whose messages commit or fail
   * together, all new to its inbox: a draft that meets an existing row (or another draft of the
   * chunk) makes writeDeferredInserts throw, the chunk is rolled back, announcements and deliveries
   * with it, and replayed message by message, where duplicates are skipped as ever.
   */
  abstract deferInserts(manager: EntityManager): void;
  /** Writes what insertIgnoringDuplicates kept since deferInserts in `manager`'s transaction, and ends the deferring. */
  abstract writeDeferredInserts(manager: EntityManager): Promise<void>;
}
