import { IsIn, IsISO8601, IsUUID } from 'class-validator';

export const NOTIFICATION_KINDS = ['payment.sent', 'payment.received', 'payment.failed', 'payment.reversed'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A notification was recorded for a user (the chat platform turns it into a receipt). */
export class NotificationRecorded {
  @IsUUID()
  notificationId!: string;

  @IsUUID()
  userId!: string;

  @IsIn(NOTIFICATION_KINDS)
  kind!: NotificationKind;

  @IsUUID()
  paymentId!: string;

  @IsISO8601()
  recordedAt!: string;
}
