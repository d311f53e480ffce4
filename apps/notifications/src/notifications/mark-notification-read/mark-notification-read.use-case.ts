import { Injectable } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { DeliveryRepository } from '../../delivery/delivery.repository';
import type { NotificationWithDeliveries } from '../list-my-notifications/list-my-notifications.use-case';
import { NotificationInbox } from '../list-my-notifications/notification-inbox';

export interface MarkNotificationReadCommand {
  readonly userId: string;
  readonly notificationId: string;
}

export type MarkNotificationReadResult = { readonly outcome: 'read'; readonly notification: NotificationWithDeliveries } | { readonly outcome: 'not-found' };

/**
 * The caller has read one of their notifications. Idempotent: reading it again keeps the first
 * time. Another user's notification is "not found", exactly like one that does not exist, so ids
 * cannot be probed.
 */
@Injectable()
export class MarkNotificationRead {
  constructor(
    private readonly inbox: NotificationInbox,
    private readonly deliveries: DeliveryRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: MarkNotificationReadCommand): Promise<MarkNotificationReadResult> {
    const notification = await this.inbox.markRead(command.userId, command.notificationId, this.clock.now());
    if (notification === null) return { outcome: 'not-found' };
    const statuses = await this.deliveries.statusesOf([notification.notificationId]);
    return { outcome: 'read', notification: { ...notification, deliveries: statuses.get(notification.notificationId) ?? [] } };
  }
}
