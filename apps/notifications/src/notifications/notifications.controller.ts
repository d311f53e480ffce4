import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { NOTIFICATION_KINDS, NotificationKind } from '@kirim/contracts';
import { ApiProblems, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard } from '@kirim/platform';
import type { AuthenticatedUser } from '@kirim/platform';
import { ListMyNotifications } from './list-my-notifications/list-my-notifications';

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
}

export class NotificationResponseDto {
  @ApiProperty({ format: 'uuid' })
  notificationId!: string;

  @ApiProperty({ enum: NOTIFICATION_KINDS })
  kind!: NotificationKind;

  @ApiProperty({ format: 'uuid' })
  paymentId!: string;

  @ApiProperty({ example: 'Payment sent' })
  title!: string;

  @ApiProperty({ example: 'You paid ₹500.00. UPI transaction ID KRM0123456789ABCDEFGHIJKLMNOPQRSTUV.' })
  body!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readAt!: string | null;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notifications')
@UseGuards(JwtAuthGuard)
export class NotificationsController {
  constructor(private readonly listMyNotifications: ListMyNotifications) {}

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first" })
  @ApiOkResponse({ type: NotificationResponseDto, isArray: true })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListNotificationsQueryDto): Promise<NotificationResponseDto[]> {
    const notifications = await this.listMyNotifications.execute({
      userId: user.userId,
      limit: query.limit ?? DEFAULT_NOTIFICATIONS_LIMIT,
    });
    return notifications.map((n) => ({
      notificationId: n.notificationId,
      kind: n.kind,
      paymentId: n.paymentId,
      title: n.title,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
      readAt: n.readAt === null ? null : n.readAt.toISOString(),
    }));
  }
}
