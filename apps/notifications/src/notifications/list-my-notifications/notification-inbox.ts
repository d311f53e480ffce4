import type { NotificationKind } from '@kirim/contracts';

export interface NotificationView {
  readonly notificationId: string;
  readonly kind: NotificationKind;
  /** What it is about: a payment, or a collect request (exactly one is set). */
  readonly paymentId: string | null;
  readonly collectRequestId: string | null;
  readonly title: string;
  readonly body: string;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/** Where a newest-first page of one user's inbox ends: the last row's created_at and id. */
export interface InboxCursor {
  readonly createdAt: Date;
  readonly notificationId: string;
}

/** Read side of the notifications table (a port; an abstract class so it is also the Nest token). */
export abstract class NotificationInbox {
  /** One user's notifications newest first, after `before` when given (strictly older). */
  abstract listNewestFirst(userId: string, limit: number, before?: InboxCursor): Promise<NotificationView[]>;

  /**
   * Marks one of the user's notifications read at `at`, keeping the first time when it was read
   * already; null when the user has no such notification (another user's included).
   */
  abstract markRead(userId: string, notificationId: string, at: Date): Promise<NotificationView | null>;
}
