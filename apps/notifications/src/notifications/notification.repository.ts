import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { NotificationKind } from '@kirim/contracts';
import { Clock, SystemClock, uuidv7 } from '@kirim/platform';
import { NotificationDraft, NotificationStore, NotificationSubject, RecordedNotification } from '../payment-receipts/record-payment-receipts/notification-store';
import { InboxCursor, NotificationInbox, NotificationView } from './list-my-notifications/notification-inbox';
import { NotificationEntity } from './notification.entity';

interface InsertedRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  payment_id: string | null;
  collect_request_id: string | null;
  created_at: Date;
}

const COLUMNS_PER_ROW = 9;

/** A draft with the id it is written with, and its time: null for the transaction's (now()). */
type NotificationToWrite = NotificationDraft & { readonly id: string; readonly createdAt: Date | null };

/** PostgreSQL adapter of both notification ports. */
@Injectable()
export class NotificationRepository implements NotificationStore, NotificationInbox {
  /** Drafts kept per deferring transaction (its manager), each with the id and time it was answered with. */
  private readonly deferred = new WeakMap<EntityManager, NotificationToWrite[]>();

  constructor(
    @InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  async insertIgnoringDuplicates(manager: EntityManager, drafts: readonly NotificationDraft[]): Promise<RecordedNotification[]> {
    const deferred = this.deferred.get(manager);
    if (deferred === undefined) return this.insert(manager, drafts.map((draft) => ({ ...draft, id: uuidv7(), createdAt: null })));
    // Answered now with the id and time they are written with at the chunk's end.
    const createdAt = this.clock.now();
    const kept = drafts.map((draft) => ({ ...draft, id: uuidv7(), createdAt }));
    deferred.push(...kept);
    return kept.map((row) => ({
      notificationId: row.id,
      userId: row.userId,
      kind: row.kind,
      ...(row.paymentId !== undefined ? { paymentId: row.paymentId } : { collectRequestId: row.collectRequestId }),
      createdAt,
    }));
  }

  deferInserts(manager: EntityManager): void {
    if (!this.deferred.has(manager)) this.deferred.set(manager, []);
  }

  async writeDeferredInserts(manager: EntityManager): Promise<void> {
    const kept = this.deferred.get(manager) ?? [];
    // Deferring ends here: a draft inserted later in this transaction is written at once.
    this.deferred.delete(manager);
    if (kept.length === 0) return;
    const written = await this.insert(manager, kept);
    if (written.length !== kept.length) {
      throw new Error(`${kept.length - written.length} of the chunk's ${kept.length} notifications were there already: their events were recorded before`);
    }
  }

  private async insert(manager: EntityManager, rows: readonly NotificationToWrite[]): Promise<RecordedNotification[]> {
    if (rows.length === 0) return [];
    const values = rows
      .map((_, row) => {
        const first = row * COLUMNS_PER_ROW;
        const placeholders = Array.from({ length: COLUMNS_PER_ROW - 1 }, (_unused, column) => `$${first + column + 1}`);
        return `(${placeholders.join(', ')}, COALESCE($${first + COLUMNS_PER_ROW}::timestamptz, now()))`;
      })
      .join(', ');
    // Time-ordered ids (not the column's gen_random_uuid() default): new rows go in at the right edge
    // of the primary key. A row without a time of its own takes the transaction's (now()).
    const parameters = rows.flatMap((d) => [d.id, d.userId, d.kind, d.paymentId ?? null, d.collectRequestId ?? null, d.locale, d.title, d.body, d.createdAt]);
    // ON CONFLICT DO NOTHING + RETURNING yields exactly the rows inserted now: a replay returns none,
    // and two replicas racing on the same event cannot both insert (the unique keys decide). No
    // conflict target: a payment's receipt meets (user_id, payment_id, kind), a collect request's
    // (user_id, collect_request_id, kind), and one statement may carry both.
    const inserted: InsertedRow[] = await manager.query(
      `INSERT INTO notifications (id, user_id, kind, payment_id, collect_request_id, locale, title, body, created_at)
       VALUES ${values}
       ON CONFLICT DO NOTHING
       RETURNING id, user_id, kind, payment_id, collect_request_id, created_at`,
      parameters,
    );
    return inserted.map((row) => ({
      notificationId: row.id,
      userId: row.user_id,
      kind: row.kind,
      ...subjectOf(row),
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
       RETURNING id, kind, payment_id, collect_request_id, title, body, created_at, read_at`,
      [notificationId, userId, at],
    );
    const [row] = rows;
    return row
      ? {
          notificationId: row.id,
          kind: row.kind,
          paymentId: row.payment_id,
          collectRequestId: row.collect_request_id,
          title: row.title,
          body: row.body,
          createdAt: row.created_at,
          readAt: row.read_at,
        }
      : null;
  }
}

/** The row's payment or collect request; ck_notifications_subject makes it exactly one, so neither is a bug. */
function subjectOf(row: Pick<InsertedRow, 'id' | 'payment_id' | 'collect_request_id'>): NotificationSubject {
  if (row.payment_id !== null) return { paymentId: row.payment_id };
  if (row.collect_request_id !== null) return { collectRequestId: row.collect_request_id };
  throw new Error(`notification ${row.id} is about neither a payment nor a collect request`);
}

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  payment_id: string | null;
  collect_request_id: string | null;
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
    collectRequestId: row.collectRequestId,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}
