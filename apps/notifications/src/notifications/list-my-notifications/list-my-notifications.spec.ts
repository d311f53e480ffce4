import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ListNotificationsQueryDto } from '../notifications.controller';
import { ListMyNotifications } from './list-my-notifications';
import { NotificationInbox, NotificationView } from './notification-inbox';

class FakeInbox extends NotificationInbox {
  readonly calls: [string, number][] = [];
  async listNewestFirst(userId: string, limit: number): Promise<NotificationView[]> {
    this.calls.push([userId, limit]);
    return [];
  }
}

describe('ListMyNotifications', () => {
  it("reads only the caller's notifications, with the limit asked for", async () => {
    const inbox = new FakeInbox();
    await new ListMyNotifications(inbox).execute({ userId: 'u-1', limit: 5 });
    expect(inbox.calls).toEqual([['u-1', 5]]);
  });
});

describe('ListNotificationsQueryDto', () => {
  const errorsFor = (query: { limit?: string }): string[] =>
    validateSync(plainToInstance(ListNotificationsQueryDto, query)).flatMap((e) => Object.values(e.constraints ?? {}));

  it.each([{}, { limit: '1' }, { limit: '20' }, { limit: '100' }])('accepts %j', (query) => {
    expect(errorsFor(query)).toEqual([]);
  });

  it.each(['0', '101', '2.5', 'abc', '-1'])('refuses limit=%s with one message', (limit) => {
    expect(errorsFor({ limit })).toEqual(['limit must be an integer between 1 and 100']);
  });
});
