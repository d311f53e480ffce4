import { IsIn, IsISO8601, IsOptional, IsUUID, ValidateBy, ValidateIf } from 'class-validator';

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
 * A notification is about a payment (`paymentId`) or a collect request (`collectRequestId`), exactly
 * one of the two: `paymentId` is required unless there is a `collectRequestId`
 * (`RequiredWithout('collectRequestId')`), and `collectRequestId` is refused beside a `paymentId`
 * (`AbsentWith('paymentId')`). The chat receipt webhook holds the same rule.
 */
export function RequiredWithout(other: string): PropertyDecorator {
  return ValidateIf((object: Record<string, unknown>) => object[other] === undefined || object[other] === null);
}

/** Refuses the field when `other` is present (the second half of "exactly one of the two"). */
export function AbsentWith(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'absentWith',
    constraints: [other],
    validator: {
      validate: (_value: unknown, args) => {
        const present = (args?.object as Record<string, unknown> | undefined)?.[other];
        return present === undefined || present === null;
      },
      defaultMessage: (args) => `$property and ${String(args?.constraints[0])} cannot both be present: exactly one is`,
    },
  });
}

/** A notification was recorded for a user (the chat platform turns it into a receipt). */
export class NotificationRecorded {
  @IsUUID()
  notificationId!: string;

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

  @IsISO8601()
  recordedAt!: string;
}
