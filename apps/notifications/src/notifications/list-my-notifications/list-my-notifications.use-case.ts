import { Injectable } from '@nestjs/common';
import { DeliveryRepository, DeliveryStatusView } from '../../delivery/delivery.repository';
import { InboxCursor, NotificationInbox, NotificationView } from './notification-inbox';

export interface ListMyNotificationsQuery {
  readonly userId: string;
  readonly limit: number;
  /** The previous page's `nextCursor`. */
  readonly before?: InboxCursor;
}

export interface NotificationWithDeliveries extends NotificationView {
  /** Where it was sent and how that went: one per channel endpoint; empty when no channel is configured. */
  readonly deliveries: DeliveryStatusView[];
}

export interface NotificationInboxPage {
  readonly notifications: NotificationWithDeliveries[];
  /** Where the next page starts; null on the last one. */
  readonly next: InboxCursor | null;
}

/** The caller's own notifications, newest first, each with its delivery status. Users only ever see their own (userId comes from the JWT). */
@Injectable()
export class ListMyNotifications {
  constructor(
    private readonly inbox: NotificationInbox,
    private readonly deliveries: DeliveryRepository,
  ) {}

  async execute(query: ListMyNotificationsQuery): Promise<NotificationInboxPage> {
    // One more than asked tells whether another page exists without a count.
    const rows = await this.inbox.listNewestFirst(query.userId, query.limit + 1, query.before);
    const page = rows.slice(0, query.limit);
    const statuses = await this.deliveries.statusesOf(page.map((n) => n.notificationId));
    const last = page[page.length - 1];
    return {
      notifications: page.map((n) => ({ ...n, deliveries: statuses.get(n.notificationId) ?? [] })),
      next: rows.length > query.limit && last ? { createdAt: last.createdAt, notificationId: last.notificationId } : null,
    };
  }
}

/** An inbox cursor as clients carry it: base64url of `<created_at ISO>|<id>`, opaque to them. */
export function encodeInboxCursor(cursor: InboxCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.notificationId}`, 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor `encodeInboxCursor` made, or null for anything else. */
export function decodeInboxCursor(value: string): InboxCursor | null {
  const [at, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || at === undefined || id === undefined || !UUID.test(id)) return null;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) return null;
  return { createdAt, notificationId: id };
}
