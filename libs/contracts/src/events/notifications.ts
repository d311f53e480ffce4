import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { AbsentWith, RequiredWithout } from '../validation';

/**
 * What a notification tells its user. A merchant's refund has kinds of its own: `refund.received`
 * (the customer, paid back) and `refund.sent` (the merchant's owner, who paid it back). A collect
 * request's are about the request, not a payment: `collect.requested` (the customer is asked to pay),
 * `collect.expired` (nobody answered in time) and `collect.declined` (the customer said no).
 */
export const NOTIFICATION_KINDS = [
  'payment.sent',
  'payment.received',
  'payment.failed',
  'payment.reversed',
  'refund.received',
  'refund.sent',
  'collect.requested',
  'collect.expired',
  'collect.declined',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Which notification, whose, of what kind and about what: a payment (`paymentId`) or a collect
 * request (`collectRequestId`), exactly one of the two. Shared by `notification.recorded.v1` and the
 * chat receipt webhook, so both name a notification the same way. Not an event of its own.
 */
export class NotificationSubject {
  @IsUUID()
  notificationId!: string;

  /** The user it is for (whose chat thread a receipt goes into). */
  @IsUUID()
  userId!: string;

  @IsIn(NOTIFICATION_KINDS)
  kind!: NotificationKind;

  /** The payment it is about; absent on a collect request's notification (exactly one of the two). */
  @RequiredWithout('collectRequestId')
  @IsUUID()
  paymentId?: string;

  /** The collect request it is about; absent on a payment's notification. */
  @IsOptional()
  @IsUUID()
  @AbsentWith('paymentId')
  collectRequestId?: string;
}

/** A notification was recorded for a user (the chat platform turns it into a receipt). */
export class NotificationRecorded extends NotificationSubject {
  @IsISO8601()
  recordedAt!: string;
}
