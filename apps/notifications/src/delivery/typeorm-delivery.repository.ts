import type { DataSource, EntityManager } from 'typeorm';
import type { MerchantWebhook, NotificationKind } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import { ClaimedDelivery, DeliveryChannelName, DeliveryDraft, DeliveryRecord, DeliveryStatus } from './delivery';
import { MERCHANT_ENDPOINT_KEY_PREFIX } from './merchant-webhook/merchant-webhook-endpoint';
import { AttemptRecord, ClaimRequest, DeliveryPage, DeliveryPageRequest, DeliveryRepository, DeliveryStatusView, ReplayOutcome } from './delivery.repository';

interface DeliveryRow {
  id: string;
  notification_id: string | null;
  recipient_user_id: string | null;
  merchant_event_id: string | null;
  channel: DeliveryChannelName;
  endpoint_key: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  dead_at: Date | null;
  replayed_at: Date | null;
  replayed_by: string | null;
}

/**
 * A pass's outcomes, each written only over the claim that made its attempt (still `delivering`,
 * attempts unchanged). The rows are found by primary key alone: the claim check is a filter on the
 * row found (`IS TRUE` keeps it from being an index condition). As an index condition on `status`
 * the planner could scan ix_deliveries_status_created for every 'delivering' entry, and between
 * vacuums that index holds an entry for each row that was ever delivering: about 8 ms a pass on a
 * table of 50,000 deliveries, against 0.1 ms by primary key (docs/benchmarks.md).
 */
export const RECORD_OUTCOMES_SQL = `UPDATE deliveries d
    SET status = o.status,
        delivered_at = CASE WHEN o.status = 'delivered' THEN o.at ELSE d.delivered_at END,
        dead_at = CASE WHEN o.status = 'dead' THEN o.at ELSE d.dead_at END,
        next_attempt_at = CASE WHEN o.status = 'pending' THEN o.at ELSE d.next_attempt_at END,
        last_error = o.error
   FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::text[]) AS o(id, attempts, status, at, error)
  WHERE d.id = o.id AND (d.status = 'delivering' AND d.attempts = o.attempts) IS TRUE
 RETURNING d.id`;

/** A claimed row with its message: the notification's columns, or the merchant event's (the other side is null). */
interface ClaimedRow {
  id: string;
  endpoint_key: string;
  channel: DeliveryChannelName;
  attempts: number;
  occurred_at: Date;
  notification_id: string | null;
  recipient_user_id: string | null;
  kind: NotificationKind | null;
  payment_id: string | null;
  collect_request_id: string | null;
  locale: string | null;
  title: string | null;
  body: string | null;
  merchant_event_id: string | null;
  merchant_id: string | null;
  merchant_event_type: MerchantWebhook['type'] | null;
  merchant_event_data: MerchantWebhook['data'] | null;
}

const COLUMNS = `id, notification_id, recipient_user_id, merchant_event_id, channel, endpoint_key, status, attempts, next_attempt_at, last_error, created_at, delivered_at, dead_at, replayed_at, replayed_by`;

/** PostgreSQL adapter of DeliveryRepository (plain SQL: the claim needs FOR UPDATE SKIP LOCKED). */
export class TypeOrmDeliveryRepository extends DeliveryRepository {
  /** Per transaction (its EntityManager) that defers its inserts, the drafts kept so far. */
  private readonly deferred = new WeakMap<EntityManager, DeliveryDraft[]>();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insertPending(tx: InTransaction, drafts: readonly DeliveryDraft[]): Promise<number> {
    const deferred = this.deferred.get(tx.manager);
    if (deferred === undefined) return this.insert(tx, drafts);
    deferred.push(...drafts);
    return drafts.length;
  }

  deferInserts(tx: InTransaction): void {
    if (!this.deferred.has(tx.manager)) this.deferred.set(tx.manager, []);
  }

  async writeDeferredInserts(tx: InTransaction): Promise<void> {
    const drafts = this.deferred.get(tx.manager) ?? [];
    // Deferring ends here: a draft inserted later in `tx` is written at once.
    this.deferred.delete(tx.manager);
    const written = await this.insert(tx, drafts);
    if (written !== drafts.length) {
      throw new Error(`${drafts.length - written} of the chunk's ${drafts.length} deliveries were there already: their messages were recorded before`);
    }
  }

  private async insert(tx: InTransaction, drafts: readonly DeliveryDraft[]): Promise<number> {
    if (drafts.length === 0) return 0;
    const column = <T>(value: (draft: DeliveryDraft) => T): T[] => drafts.map(value);
    // A new delivery is due at once (next_attempt_at = created_at). ON CONFLICT: the unique keys, not
    // the caller, decide that a (notification, endpoint) or a (merchant event, endpoint) is delivered
    // once. Arrays, not a VALUES row per draft: one statement text whatever the count, planned once.
    const rows: { id: string }[] = await tx.manager.query(
      `INSERT INTO deliveries (id, notification_id, recipient_user_id, merchant_event_id, channel, endpoint_key, occurred_at, created_at, next_attempt_at)
       SELECT id, notification_id, recipient_user_id, merchant_event_id, channel, endpoint_key, occurred_at, created_at, created_at
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
           AS draft (id, notification_id, recipient_user_id, merchant_event_id, channel, endpoint_key, occurred_at, created_at)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        column((d) => d.deliveryId),
        column((d) => d.notificationId ?? null),
        column((d) => d.recipientUserId ?? null),
        column((d) => d.merchantEventId ?? null),
        column((d) => d.channel),
        column((d) => d.endpointKey),
        column((d) => d.occurredAt),
        column((d) => d.createdAt),
      ],
    );
    return rows.length;
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    // One statement, so one short transaction: the rows are locked only while they are marked. SKIP
    // LOCKED lets every replica claim at once without waiting on, or taking, each other's rows; the
    // lease (next_attempt_at in the future, status delivering) keeps them this worker's after commit.
    // The message each row carries is joined after the update, from the claimed rows.
    const rows: ClaimedRow[] = await this.dataSource.query(
      `WITH due AS (
         SELECT id FROM deliveries
          WHERE endpoint_key = $1 AND status IN ('pending', 'delivering') AND next_attempt_at <= $2
          ORDER BY next_attempt_at, id
          LIMIT $3
          FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE deliveries d
            SET status = 'delivering', attempts = d.attempts + 1, next_attempt_at = $4
           FROM due
          WHERE d.id = due.id
         RETURNING d.id, d.endpoint_key, d.channel, d.attempts, d.occurred_at, d.notification_id, d.recipient_user_id, d.merchant_event_id
       )
       SELECT c.*, n.kind, n.payment_id, n.collect_request_id, n.locale, n.title, n.body,
              m.merchant_id, m.type AS merchant_event_type, m.data AS merchant_event_data
         FROM claimed c
         LEFT JOIN notifications n ON n.id = c.notification_id
         LEFT JOIN merchant_events m ON m.id = c.merchant_event_id`,
      [request.endpointKey, request.now, request.limit, request.leaseUntil],
    );
    return rows.map(toClaimed);
  }

  async dueEndpointKeys(now: Date): Promise<Set<string>> {
    // ix_deliveries_due (endpoint_key, next_attempt_at) WHERE status IN ('pending', 'delivering') covers it.
    const rows: { endpoint_key: string }[] = await this.dataSource.query(
      `SELECT DISTINCT endpoint_key FROM deliveries WHERE status IN ('pending', 'delivering') AND next_attempt_at <= $1`,
      [now],
    );
    return new Set(rows.map((row) => row.endpoint_key));
  }

  async recordOutcomes(records: readonly AttemptRecord[]): Promise<Set<string>> {
    if (records.length === 0) return new Set();
    // One statement for the whole pass (one statement per attempt before: at a steady rate that was
    // most of a receipt's writes). Only the claim that made `attempt` may write its outcome: if its
    // lease lapsed and another worker claimed the row again, attempts moved on and that row is left.
    // TypeORM answers an UPDATE with [rows returned, rows changed].
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      RECORD_OUTCOMES_SQL,
      [
        records.map((r) => r.deliveryId),
        records.map((r) => r.attempt),
        records.map((r) => r.outcome.status),
        records.map(({ outcome }) => (outcome.status === 'pending' ? outcome.nextAttemptAt : outcome.at)),
        // A delivered row keeps no error; the others keep why.
        records.map(({ outcome }) => (outcome.status === 'delivered' ? null : outcome.error)),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  async list(request: DeliveryPageRequest): Promise<DeliveryPage> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (request.status !== undefined) {
      parameters.push(request.status);
      conditions.push(`status = $${parameters.length}`);
    }
    if (request.after !== undefined) {
      parameters.push(request.after.createdAt, request.after.deliveryId);
      conditions.push(`(created_at, id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`);
    }
    parameters.push(request.limit + 1);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows: DeliveryRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM deliveries ${where} ORDER BY created_at DESC, id DESC LIMIT $${parameters.length}`, parameters);
    const items = rows.slice(0, request.limit).map(toRecord);
    const last = items[items.length - 1];
    return { items, next: rows.length > request.limit && last ? { createdAt: last.createdAt, deliveryId: last.deliveryId } : null };
  }

  async replayDead(deliveryId: string, now: Date, operator: string): Promise<ReplayOutcome> {
    // Not to a merchant endpoint that was disabled: nothing serves it any more, so the row would wait forever.
    const replayed: [DeliveryRow[], number] = await this.dataSource.query(
      `UPDATE deliveries
          SET status = 'pending', attempts = 0, next_attempt_at = $2, dead_at = NULL, replayed_at = $2, replayed_by = $3
        WHERE id = $1 AND status = 'dead'
          AND NOT EXISTS (SELECT 1 FROM merchant_webhook_endpoints e WHERE deliveries.endpoint_key = $4 || e.id::text AND e.status = 'disabled')
       RETURNING ${COLUMNS}`,
      [deliveryId, now, operator, MERCHANT_ENDPOINT_KEY_PREFIX],
    );
    const [row] = replayed[0];
    if (row) return { outcome: 'replayed', delivery: toRecord(row) };
    const existing: DeliveryRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM deliveries WHERE id = $1`, [deliveryId]);
    const [found] = existing;
    if (!found) return { outcome: 'not-found' };
    return found.status === 'dead' ? { outcome: 'endpoint-disabled', delivery: toRecord(found) } : { outcome: 'not-dead', delivery: toRecord(found) };
  }

  async statusesOf(notificationIds: readonly string[]): Promise<Map<string, DeliveryStatusView[]>> {
    const statuses = new Map<string, DeliveryStatusView[]>();
    if (notificationIds.length === 0) return statuses;
    const rows: DeliveryRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM deliveries WHERE notification_id = ANY($1::uuid[]) ORDER BY created_at, id`, [notificationIds]);
    for (const row of rows) {
      if (row.notification_id === null) continue;
      const views = statuses.get(row.notification_id) ?? [];
      views.push({ channel: row.channel, status: row.status, attempts: row.attempts, deliveredAt: row.delivered_at });
      statuses.set(row.notification_id, views);
    }
    return statuses;
  }
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    deliveryId: row.id,
    notificationId: row.notification_id,
    recipientUserId: row.recipient_user_id,
    merchantEventId: row.merchant_event_id,
    channel: row.channel,
    endpointKey: row.endpoint_key,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    deadAt: row.dead_at,
    replayedAt: row.replayed_at,
    replayedBy: row.replayed_by,
  };
}

/** A claimed row and its message; the table's check makes exactly one of the two present. */
function toClaimed(row: ClaimedRow): ClaimedDelivery {
  const claim = { deliveryId: row.id, endpointKey: row.endpoint_key, channel: row.channel, attempt: row.attempts };
  if (row.merchant_event_id !== null) {
    if (row.merchant_id === null || row.merchant_event_type === null || row.merchant_event_data === null) throw new Error(`delivery ${row.id} names a merchant event that does not exist`);
    return { ...claim, merchantEvent: { merchantEventId: row.merchant_event_id, merchantId: row.merchant_id, type: row.merchant_event_type, data: row.merchant_event_data } };
  }
  if (row.notification_id === null || row.recipient_user_id === null || row.kind === null || row.locale === null || row.title === null || row.body === null) {
    throw new Error(`delivery ${row.id} names a notification that does not exist`);
  }
  // ck_notifications_subject: a notification is about a payment or a collect request, exactly one.
  const subject = row.payment_id !== null ? { paymentId: row.payment_id } : row.collect_request_id !== null ? { collectRequestId: row.collect_request_id } : null;
  if (subject === null) throw new Error(`delivery ${row.id} names a notification about nothing`);
  return {
    ...claim,
    notification: {
      notificationId: row.notification_id,
      recipientUserId: row.recipient_user_id,
      kind: row.kind,
      ...subject,
      locale: row.locale,
      title: row.title,
      body: row.body,
      occurredAt: row.occurred_at,
    },
  };
}
