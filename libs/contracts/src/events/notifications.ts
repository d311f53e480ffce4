import { IsIn, IsISO8601, IsUUID } from 'class-validator';

/**
 * What a notification tells its user. A merchant's refund has kinds of its own: `refund.received`
 * (the customer, paid back) and `refund.sent` (the merchant's owner, who paid it back).
 */
export const NOTIFICATION_KINDS = ['payment.sent', 'payment.received', 'payment.failed', 'payment.reversed', 'refund.received', 'refund.sent'] as const;
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
