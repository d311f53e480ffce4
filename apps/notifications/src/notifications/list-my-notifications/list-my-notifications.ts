import { Injectable } from '@nestjs/common';
import { NotificationInbox, NotificationView } from './notification-inbox';

export interface ListMyNotificationsQuery {
  readonly userId: string;
  readonly limit: number;
}

/** The caller's own notifications, newest first. Users only ever see their own (userId comes from the JWT). */
@Injectable()
export class ListMyNotifications {
  constructor(private readonly inbox: NotificationInbox) {}

  execute(query: ListMyNotificationsQuery): Promise<NotificationView[]> {
    return this.inbox.listNewestFirst(query.userId, query.limit);
  }
}
