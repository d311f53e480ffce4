import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, Matches, ValidateBy } from 'class-validator';
import { NOTIFICATION_KINDS, NotificationKind, PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import type { AuthenticatedUser } from '@kirim/platform';
import { DELIVERY_CHANNELS, DELIVERY_STATUSES, DeliveryStatus } from '../delivery/delivery';
import { decodeInboxCursor, encodeInboxCursor, ListMyNotifications, NotificationWithDeliveries } from './list-my-notifications/list-my-notifications.use-case';
import { MarkNotificationRead } from './mark-notification-read/mark-notification-read.use-case';

export const DEFAULT_NOTIFICATIONS_LIMIT = 20;
export const MAX_NOTIFICATIONS_LIMIT = 100;

/** One rule, one message: IsInt + Min + Max would each report "abc" separately. */
function IsIntegerBetween(min: number, max: number): PropertyDecorator {
  return ValidateBy({
    name: 'isIntegerBetween',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
      defaultMessage: () => `$property must be an integer between ${min} and ${max}`,
    },
  });
}

export class ListNotificationsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_NOTIFICATIONS_LIMIT, default: DEFAULT_NOTIFICATIONS_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsIntegerBetween(1, MAX_NOTIFICATIONS_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

export class DeliveryStatusDto {
  @ApiProperty({ enum: DELIVERY_CHANNELS, description: 'chat: the messaging platform, into the chat thread; sms: a text message, to a user without the app.' })
  channel!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, description: 'pending or delivering: still being tried; delivered; dead: given up (support can send it again).' })
  status!: DeliveryStatus;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  deliveredAt!: string | null;
}

export class NotificationResponseDto {
  @ApiProperty({ format: 'uuid' })
  notificationId!: string;

  @ApiProperty({ enum: NOTIFICATION_KINDS })
  kind!: NotificationKind;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The payment it is about; null on a collect request\'s notification (exactly one of paymentId and collectRequestId is set).' })
  paymentId!: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The collect request it is about (kinds collect.*); null on a payment\'s notification.' })
  collectRequestId!: string | null;

  @ApiProperty({ example: 'Payment sent' })
  title!: string;

  @ApiProperty({ example: 'You paid ₹500.00. UPI transaction ID KRM0123456789ABCDEFGHIJKLMNOPQRSTUV.' })
  body!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readAt!: string | null;

  @ApiProperty({ type: DeliveryStatusDto, isArray: true, description: 'Where the receipt was pushed (the chat thread) and how that went; empty when it is only in this inbox.' })
  deliveries!: DeliveryStatusDto[];
}

/** A page of the inbox, as every list in kirim pages (GET /v1/payments too). */
export class NotificationsPageDto {
  @ApiProperty({ type: NotificationResponseDto, isArray: true })
  items!: NotificationResponseDto[];

  @ApiPropertyOptional({ description: 'Pass as cursor for the next page; absent on the last page.' })
  nextCursor?: string;
}

const notificationIdParam = new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'notificationId must be a UUID.') });

function toResponse(n: NotificationWithDeliveries): NotificationResponseDto {
  return {
    notificationId: n.notificationId,
    kind: n.kind,
    paymentId: n.paymentId,
    collectRequestId: n.collectRequestId,
    title: n.title,
    body: n.body,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt === null ? null : n.readAt.toISOString(),
    deliveries: n.deliveries.map((d) => ({ channel: d.channel, status: d.status, attempts: d.attempts, deliveredAt: d.deliveredAt === null ? null : d.deliveredAt.toISOString() })),
  };
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notifications')
@UseGuards(JwtAuthGuard)
export class NotificationsController {
  constructor(
    private readonly listMyNotifications: ListMyNotifications,
    private readonly markNotificationRead: MarkNotificationRead,
  ) {}

  @Get()
  @ApiOperation({
    summary: "The caller's notifications, newest first",
    description: 'Each with where it was delivered. A page at a time: pass `nextCursor` back as `cursor` for the next one (absent on the last page).',
  })
  @ApiOkResponse({ type: NotificationsPageDto })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListNotificationsQueryDto): Promise<NotificationsPageDto> {
    const before = query.cursor === undefined ? undefined : decodeInboxCursor(query.cursor);
    if (before === null) throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'cursor must be the nextCursor of a previous page');
    const limit = query.limit ?? DEFAULT_NOTIFICATIONS_LIMIT;
    const page = await this.listMyNotifications.execute({ userId: user.userId, limit, ...(before !== undefined ? { before } : {}) });
    return { items: page.notifications.map(toResponse), ...(page.next !== null ? { nextCursor: encodeInboxCursor(page.next) } : {}) };
  }

  @Post(':notificationId/read')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark one of the caller\'s notifications read', description: 'Idempotent: reading it again keeps the first time. Another user\'s notification is 404, like one that does not exist.' })
  @ApiOkResponse({ type: NotificationResponseDto, description: 'The notification, with readAt set.' })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async markRead(@CurrentUser() user: AuthenticatedUser, @Param('notificationId', notificationIdParam) notificationId: string): Promise<NotificationResponseDto> {
    const result = await this.markNotificationRead.execute({ userId: user.userId, notificationId });
    if (result.outcome === 'not-found') throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, `No notification ${notificationId}.`);
    return toResponse(result.notification);
  }
}
