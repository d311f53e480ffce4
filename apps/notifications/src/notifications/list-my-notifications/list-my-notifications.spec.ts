import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ListNotificationsQueryDto } from '../notifications.controller';
import { FixedClock } from '@kirim/testing';
import { InMemoryDeliveries } from '../../testing/in-memory-deliveries';
import { MarkNotificationRead } from '../mark-notification-read/mark-notification-read.use-case';
import { decodeInboxCursor, encodeInboxCursor, ListMyNotifications } from './list-my-notifications.use-case';
import { InboxCursor, NotificationInbox, NotificationView } from './notification-inbox';

const USER = '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60';

function view(n: number, readAt: Date | null = null): NotificationView {
  return {
    notificationId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    kind: 'payment.sent',
    paymentId: '3f2e1d0c-9b8a-4765-a432-10fedcba9876',
    collectRequestId: null,
    title: 'Payment sent',
    body: 'You paid ₹500.00.',
    createdAt: new Date(Date.UTC(2026, 10, 28, 10, 0, n)),
    readAt,
  };
}

/** Newest first; the user's own rows only, as the adapter's WHERE user_id does. */
class FakeInbox extends NotificationInbox {
  readonly calls: [string, number, InboxCursor | undefined][] = [];
  readonly rows = [view(3), view(2), view(1)];

  async listNewestFirst(userId: string, limit: number, before?: InboxCursor): Promise<NotificationView[]> {
    this.calls.push([userId, limit, before]);
    if (userId !== USER) return [];
    return this.rows.filter((r) => before === undefined || r.createdAt < before.createdAt).slice(0, limit);
  }

  async markRead(userId: string, notificationId: string, at: Date): Promise<NotificationView | null> {
    const row = userId === USER ? this.rows.find((r) => r.notificationId === notificationId) : undefined;
    if (!row) return null;
    const read = { ...row, readAt: row.readAt ?? at };
    this.rows[this.rows.indexOf(row)] = read;
    return read;
  }
}

describe('ListMyNotifications', () => {
  it("reads only the caller's notifications, one more than asked to know whether a next page exists", async () => {
    const inbox = new FakeInbox();
    await new ListMyNotifications(inbox, new InMemoryDeliveries()).execute({ userId: 'u-1', limit: 5 });
    expect(inbox.calls).toEqual([['u-1', 6, undefined]]);
  });

  it('pages with a cursor until the last page, which has none', async () => {
    const inbox = new FakeInbox();
    const list = new ListMyNotifications(inbox, new InMemoryDeliveries());

    const first = await list.execute({ userId: USER, limit: 2 });
    expect(first.notifications.map((n) => n.notificationId)).toEqual([view(3).notificationId, view(2).notificationId]);
    expect(first.next).toEqual({ createdAt: view(2).createdAt, notificationId: view(2).notificationId });

    const second = await list.execute({ userId: USER, limit: 2, before: first.next ?? undefined });
    expect(second.notifications.map((n) => n.notificationId)).toEqual([view(1).notificationId]);
    expect(second.next).toBeNull();
  });

  it('shows each notification with its deliveries, and none for one only in the inbox', async () => {
    const deliveries = new InMemoryDeliveries();
    await deliveries.insertPending({ manager: {} as never }, [
      { deliveryId: 'd-1', notificationId: view(3).notificationId, recipientUserId: USER, channel: 'chat', endpointKey: 'chat', occurredAt: new Date(), createdAt: new Date() },
    ]);
    const page = await new ListMyNotifications(new FakeInbox(), deliveries).execute({ userId: USER, limit: 5 });
    expect(page.notifications.map((n) => n.deliveries)).toEqual([[{ channel: 'chat', status: 'pending', attempts: 0, deliveredAt: null }], [], []]);
  });
});

describe('inbox cursors', () => {
  it('round-trip', () => {
    const cursor = { createdAt: new Date('2026-11-28T10:00:01.123Z'), notificationId: view(1).notificationId };
    expect(decodeInboxCursor(encodeInboxCursor(cursor))).toEqual(cursor);
  });

  it.each(['', 'abc', Buffer.from('2026-11-28T10:00:01.123Z|not-a-uuid').toString('base64url'), Buffer.from(`yesterday|${view(1).notificationId}`).toString('base64url'), Buffer.from(`2026-11-28T10:00:01.123Z|${view(1).notificationId}|x`).toString('base64url')])(
    'refuses %j',
    (value) => {
      expect(decodeInboxCursor(value)).toBeNull();
    },
  );
});

describe('MarkNotificationRead', () => {
  const at = new FixedClock().now();

  it('marks it read, and keeps the first time when marked again', async () => {
    const inbox = new FakeInbox();
    const clock = new FixedClock();
    const markRead = new MarkNotificationRead(inbox, new InMemoryDeliveries(), clock);

    expect(await markRead.execute({ userId: USER, notificationId: view(2).notificationId })).toMatchObject({ outcome: 'read', notification: { readAt: at, deliveries: [] } });
    clock.current = new Date(at.getTime() + 60_000);
    expect(await markRead.execute({ userId: USER, notificationId: view(2).notificationId })).toMatchObject({ outcome: 'read', notification: { readAt: at } });
  });

  it("answers not-found for another user's notification, as for one that does not exist", async () => {
    const inbox = new FakeInbox();
    const markRead = new MarkNotificationRead(inbox, new InMemoryDeliveries(), new FixedClock());
    expect(await markRead.execute({ userId: '7c1d2e3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f', notificationId: view(2).notificationId })).toEqual({ outcome: 'not-found' });
    expect(await markRead.execute({ userId: USER, notificationId: view(9).notificationId })).toEqual({ outcome: 'not-found' });
    expect(inbox.rows.every((r) => r.readAt === null)).toBe(true);
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
