import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { NotificationKind } from '@kirim/contracts';
import { NotificationStore, RecordedNotification } from '../payment-receipts/record-payment-receipts/notification-store';
import type { ReceiptDraft } from '../payment-receipts/record-payment-receipts/payment-receipt-rules';
import { InboxCursor, NotificationInbox, NotificationView } from './list-my-notifications/notification-inbox';
import { NotificationEntity } from './notification.entity';

interface InsertedRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  payment_id: string;
  created_at: Date;
}

const COLUMNS_PER_ROW = 6;

/** PostgreSQL adapter of both notification ports. */
@Injectable()
export class NotificationRepository implements NotificationStore, NotificationInbox {
  constructor(@InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>) {}

  async insertIgnoringDuplicates(manager: EntityManager, drafts: readonly ReceiptDraft[]): Promise<RecordedNotification[]> {
    if (drafts.length === 0) return [];
    const values = drafts
      .map((_, row) => {
        const first = row * COLUMNS_PER_ROW;
        return `($${first + 1}, $${first + 2}, $${first + 3}, $${first + 4}, $${first + 5}, $${first + 6})`;
      })
      .join(', ');
    const parameters = drafts.flatMap((d) => [d.userId, d.kind, d.paymentId, d.locale, d.title, d.body]);
    // ON CONFLICT DO NOTHING + RETURNING yields exactly the rows inserted now: a replay returns none,
    // and two replicas racing on the same event cannot both insert (the unique key decides).
    const rows: InsertedRow[] = await manager.query(
      `INSERT INTO notifications (user_id, kind, payment_id, locale, title, body)
       VALUES ${values}
       ON CONFLICT (user_id, payment_id, kind) DO NOTHING
       RETURNING id, user_id, kind, payment_id, created_at`,
      parameters,
    );
    return rows.map((row) => ({
      notificationId: row.id,
      userId: row.user_id,
      kind: row.kind,
      paymentId: row.payment_id,
      createdAt: row.created_at,
    }));
  }

  async listNewestFirst(userId: string, limit: number, before?: InboxCursor): Promise<NotificationView[]> {
    const query = this.notifications.createQueryBuilder('n').where('n.user_id = :userId', { userId });
    // Keyset paging on the inbox index (user_id, created_at DESC, id DESC): strictly older than the
    // cursor's row; id breaks ties between rows written at the same instant, so no row is skipped or repeated.
    if (before !== undefined) query.andWhere('(n.created_at, n.id) < (CAST(:before AS timestamptz), CAST(:beforeId AS uuid))', { before: before.createdAt, beforeId: before.notificationId });
    const rows = await query.orderBy('n.created_at', 'DESC').addOrderBy('n.id', 'DESC').limit(limit).getMany();
    return rows.map(toView);
  }

  async markRead(userId: string, notificationId: string, at: Date): Promise<NotificationView | null> {
    // COALESCE keeps the first read time: marking it read again changes nothing.
    const [rows]: [NotificationRow[], number] = await this.notifications.manager.query(
      `UPDATE notifications SET read_at = COALESCE(read_at, $3)
        WHERE id = $1 AND user_id = $2
       RETURNING id, kind, payment_id, title, body, created_at, read_at`,
      [notificationId, userId, at],
    );
    const [row] = rows;
    return row
      ? { notificationId: row.id, kind: row.kind, paymentId: row.payment_id, title: row.title, body: row.body, createdAt: row.created_at, readAt: row.read_at }
      : null;
  }
}

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  payment_id: string;
  title: string;
  body: string;
  created_at: Date;
  read_at: Date | null;
}

function toView(row: NotificationEntity): NotificationView {
  return {
    notificationId: row.id,
    kind: row.kind,
    paymentId: row.paymentId,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}
