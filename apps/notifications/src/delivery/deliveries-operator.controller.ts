import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedOperator, CurrentOperator, GENERIC_PROBLEMS, OPERATOR_PATH_PREFIX, OPERATOR_PROBLEMS, OperatorEndpoint, ProblemException } from '@kirim/platform';
import { DELIVERY_CHANNELS, DELIVERY_STATUSES, DeliveryRecord, DeliveryStatus } from './delivery';
import { decodeDeliveryCursor, encodeDeliveryCursor, ListDeliveries } from './list-deliveries/list-deliveries.use-case';
import { ReplayDelivery } from './replay-delivery/replay-delivery.use-case';

const DEFAULT_PAGE = 50;

export class DeliveryListQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'Only deliveries in this status; `dead` lists what an operator may replay.' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;

  @ApiPropertyOptional({ description: 'Page size, 1 to 200; 50 by default.', example: '50' })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be a whole number from 1 to 200' })
  limit?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'after must be a cursor from a previous page' })
  after?: string;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid', description: "Also the webhook's `webhook-id`: the same on every attempt." }) deliveryId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: "The user's receipt it carries; null on a merchant event's delivery." }) notificationId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Whose receipt it is; null on a merchant event\'s delivery.' }) recipientUserId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: "The merchant event it carries; null on a receipt's delivery." }) merchantEventId!: string | null;
  @ApiProperty({ enum: DELIVERY_CHANNELS }) channel!: string;
  @ApiProperty({ example: 'chat' }) endpointKey!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time', description: 'When it is next tried (pending), or when its claim lapses (delivering).' }) nextAttemptAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed: a status or an error kind.' }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deadAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) replayedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The operator who replayed it last.' }) replayedBy!: string | null;
}

export class DeliveryPageView {
  @ApiProperty({ type: DeliveryView, isArray: true }) deliveries!: DeliveryView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one.' }) nextCursor!: string | null;
}

export class DeliveryReplayedView {
  @ApiProperty({ enum: ['replayed'] }) outcome!: 'replayed';
  @ApiProperty({ type: DeliveryView }) delivery!: DeliveryView;
}

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

export function toDeliveryView(record: DeliveryRecord): DeliveryView {
  return {
    deliveryId: record.deliveryId,
    notificationId: record.notificationId,
    recipientUserId: record.recipientUserId,
    merchantEventId: record.merchantEventId,
    channel: record.channel,
    endpointKey: record.endpointKey,
    status: record.status,
    attempts: record.attempts,
    nextAttemptAt: record.nextAttemptAt.toISOString(),
    lastError: record.lastError,
    createdAt: record.createdAt.toISOString(),
    deliveredAt: iso(record.deliveredAt),
    deadAt: iso(record.deadAt),
    replayedAt: iso(record.replayedAt),
    replayedBy: record.replayedBy,
  };
}

const deliveryIdParam = new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'deliveryId must be a UUID.') });

/** Notification deliveries for operators (docs/operations.md): dead ones seen, and replayed once the cause is fixed. */
@ApiTags('operations')
@OperatorEndpoint()
@Controller(`${OPERATOR_PATH_PREFIX}/deliveries`)
export class DeliveriesOperatorController {
  constructor(
    private readonly listDeliveries: ListDeliveries,
    private readonly replayDelivery: ReplayDelivery,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Notification deliveries, newest first', description: 'Filter by status (`dead`: out of attempts or refused by the endpoint); page with `after`.' })
  @ApiOkResponse({ type: DeliveryPageView })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async list(@Query() query: DeliveryListQueryDto): Promise<DeliveryPageView> {
    const after = query.after === undefined ? undefined : decodeDeliveryCursor(query.after);
    if (after === null) throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'after must be a cursor from a previous page');
    const page = await this.listDeliveries.execute({
      limit: query.limit === undefined ? DEFAULT_PAGE : Number(query.limit),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(after !== undefined ? { after } : {}),
    });
    return { deliveries: page.items.map(toDeliveryView), nextCursor: page.next === null ? null : encodeDeliveryCursor(page.next) };
  }

  @Post(':deliveryId/replay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Send a dead delivery again once its cause is fixed',
    description:
      "dead → pending, due now, attempts reset; who and when are kept on the delivery. 409 when it is not dead (still being tried, or delivered), or when it was to a merchant's endpoint that has been disabled.",
  })
  @ApiOkResponse({ type: DeliveryReplayedView })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, PROBLEM_CODES.CONFLICT, ...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async replay(@CurrentOperator() operator: AuthenticatedOperator, @Param('deliveryId', deliveryIdParam) deliveryId: string): Promise<DeliveryReplayedView> {
    const result = await this.replayDelivery.execute({ deliveryId, operator: operator.name });
    switch (result.outcome) {
      case 'replayed':
        return { outcome: 'replayed', delivery: toDeliveryView(result.delivery) };
      case 'not-found':
        throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, `No delivery ${deliveryId}.`);
      case 'not-dead':
        throw new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.CONFLICT, `Delivery ${deliveryId} is ${result.delivery.status}, not dead: only a dead delivery can be replayed.`);
      case 'endpoint-disabled':
        throw new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.CONFLICT, `Delivery ${deliveryId} was to a merchant endpoint that is disabled: nothing sends to it any more.`);
      default: {
        const unhandled: never = result;
        throw new Error(`unhandled replay result ${JSON.stringify(unhandled)}`);
      }
    }
  }
}
