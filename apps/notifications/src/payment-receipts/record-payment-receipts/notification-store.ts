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
}
