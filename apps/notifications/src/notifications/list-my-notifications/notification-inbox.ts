import type { NotificationKind } from '@kirim/contracts';

export interface NotificationView {
  readonly notificationId: string;
  readonly kind: NotificationKind;
  readonly paymentId: string;
  readonly title: string;
  readonly body: string;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/** Read side of the notifications table (a port; an abstract class so it is also the Nest token). */
export abstract class NotificationInbox {
  abstract listNewestFirst(userId: string, limit: number): Promise<NotificationView[]>;
}
