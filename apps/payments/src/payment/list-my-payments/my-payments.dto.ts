import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PAYMENT_STATUSES } from '@kirim/contracts';
import { PaymentResponse, toPaymentResponse } from '../payments.dto';
import { PAYMENT_DIRECTIONS, PaymentDirection } from './payment-history.repository';
import { MY_PAYMENTS_DEFAULT_PAGE, MY_PAYMENTS_MAX_PAGE, MY_PAYMENTS_MAX_RANGE_DAYS, MyPaymentItem } from './list-my-payments.use-case';

/** An instant with its offset: the client says which day it means; the server guesses no time zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const STATUS_LIST = new RegExp(`^(?:${PAYMENT_STATUSES.join('|')})(?:,(?:${PAYMENT_STATUSES.join('|')}))*$`);
/** validator.js's strict mode refuses a day the month does not have (2026-02-30), which Date would roll over. */
const STRICT_DATE = { strict: true, strictSeparator: true } as const;

/**
 * GET /v1/payments. A list filter is one comma-separated parameter: the platform refuses a query
 * parameter given twice (libs/platform/src/http/input-rules.ts).
 */
export class MyPaymentsQuery {
  @ApiPropertyOptional({ description: `Page size, 1 to ${MY_PAYMENTS_MAX_PAGE}; ${MY_PAYMENTS_DEFAULT_PAGE} by default.`, example: '20' })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|100)$/, { message: `limit must be a whole number from 1 to ${MY_PAYMENTS_MAX_PAGE}` })
  limit?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page, with the same filters.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ description: `Only these statuses, comma-separated (${PAYMENT_STATUSES.join(', ')}).`, example: 'completed,reversed' })
  @IsOptional()
  @Matches(STATUS_LIST, { message: `status must be payment statuses separated by commas: ${PAYMENT_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Made at or after this instant (ISO 8601 with Z or an offset).', example: '2026-11-01T00:00:00+05:30' })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'from must be an ISO 8601 date-time with a time zone, such as 2026-11-01T00:00:00+05:30' })
  @IsISO8601(STRICT_DATE, { message: 'from must be a real date and time' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: `Made before this instant (ISO 8601 with Z or an offset). After from, and at most ${MY_PAYMENTS_MAX_RANGE_DAYS} days after it.`,
    example: '2026-12-01T00:00:00+05:30',
  })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'to must be an ISO 8601 date-time with a time zone, such as 2026-12-01T00:00:00+05:30' })
  @IsISO8601(STRICT_DATE, { message: 'to must be a real date and time' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only payments between you and this user (the other party's userId)." })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, { message: 'counterparty must be a user id (a UUID)' })
  counterparty?: string;

  @ApiPropertyOptional({ enum: PAYMENT_DIRECTIONS, description: 'sent: you paid; received: you were paid. Both when absent.' })
  @IsOptional()
  @Matches(/^(?:sent|received)$/, { message: 'direction must be sent or received' })
  direction?: string;
}

export class MyPaymentItemResponse extends PaymentResponse {
  @ApiProperty({ enum: PAYMENT_DIRECTIONS, description: 'sent: you are the payer; received: you are the payee' })
  direction!: PaymentDirection;
}

export class MyPaymentsPageResponse {
  @ApiProperty({ type: [MyPaymentItemResponse], description: 'Newest first' })
  items!: MyPaymentItemResponse[];

  @ApiPropertyOptional({ description: 'Pass as cursor, with the same filters, for the next page; absent on the last page' })
  nextCursor?: string;
}

/** The same view as GET /v1/payments/{id}, and which side of it the caller is on. */
export function toMyPaymentItemResponse(item: MyPaymentItem): MyPaymentItemResponse {
  return { ...toPaymentResponse(item.payment), direction: item.direction };
}
