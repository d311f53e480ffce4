import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { NotificationKind } from '@kirim/contracts';
import { NotificationStore, RecordedNotification } from '../payment-receipts/record-payment-receipts/notification-store';
import type { ReceiptDraft } from '../payment-receipts/record-payment-receipts/payment-receipt-rules';
import { NotificationInbox, NotificationView } from './list-my-notifications/notification-inbox';
import { NotificationEntity } from './notification.entity';

interface InsertedRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  payment_id: string;
  created_at: Date;
}

const COLUMNS_PER_ROW = 5;

/** PostgreSQL adapter of both notification ports. */
@Injectable()
export class NotificationRepository implements NotificationStore, NotificationInbox {
  constructor(@InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>) {}

  async insertIgnoringDuplicates(manager: EntityManager, drafts: readonly ReceiptDraft[]): Promise<RecordedNotification[]> {
    if (drafts.length === 0) return [];
    const values = drafts
      .map((_, row) => {
        const first = row * COLUMNS_PER_ROW;
        return `($${first + 1}, $${first + 2}, $${first + 3}, $${first + 4}, $${first + 5})`;
      })
      .join(', ');
    const parameters = drafts.flatMap((d) => [d.userId, d.kind, d.paymentId, d.title, d.body]);
    // ON CONFLICT DO NOTHING + RETURNING yields exactly the rows inserted now: a replay returns none,
    // and two replicas racing on the same event cannot both insert (the unique key decides).
    const rows: InsertedRow[] = await manager.query(
      `INSERT INTO notifications (user_id, kind, payment_id, title, body)
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

  async listNewestFirst(userId: string, limit: number): Promise<NotificationView[]> {
    const rows = await this.notifications.find({
      where: { userId },
      // id breaks ties between rows written at the same instant, so paging order is stable.
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map((row) => ({
      notificationId: row.id,
      kind: row.kind,
      paymentId: row.paymentId,
      title: row.title,
      body: row.body,
      createdAt: row.createdAt,
      readAt: row.readAt,
    }));
  }
}
