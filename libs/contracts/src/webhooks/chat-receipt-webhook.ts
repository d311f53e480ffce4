import { Type } from 'class-transformer';
import { Equals, IsDefined, IsISO8601, IsString, Length, ValidateNested } from 'class-validator';
import { NotificationSubject } from '../events/notifications';

/** Standard Webhooks event type of a receipt kirim pushes into a user's chat thread. */
export const CHAT_RECEIPT_EVENT_TYPE = 'notification.receipt';

/** One receipt for one user, written in that user's language (docs/notifications.md). */
export class ChatReceipt extends NotificationSubject {
  /** The BCP 47 locale the text is written in (one of receipt-text's). */
  @IsString()
  @Length(2, 35)
  locale!: string;

  @IsString()
  @Length(1, 200)
  title!: string;

  /** Plain text, lines separated by "\n": the message, then the time and the references. */
  @IsString()
  @Length(1, 4000)
  body!: string;

  @IsISO8601({ strict: true })
  occurredAt!: string;
}

/**
 * The body of notifications' webhook to the messaging platform (Standard Webhooks' `{ type,
 * timestamp, data }`), signed with the platform's secret; `webhook-id` is the delivery id, the same
 * on every retry, so the platform keeps one copy.
 */
export class ChatReceiptWebhook {
  @Equals(CHAT_RECEIPT_EVENT_TYPE)
  type!: typeof CHAT_RECEIPT_EVENT_TYPE;

  @IsISO8601({ strict: true })
  timestamp!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => ChatReceipt)
  data!: ChatReceipt;
}
