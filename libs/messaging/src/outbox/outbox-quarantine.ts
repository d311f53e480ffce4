import type { DataSource } from 'typeorm';
import { isUuid } from '../consumer/dead-letter.store';

/** An outbox row the relay set aside, as `outbox_quarantine` holds it. */
export interface QuarantinedOutboxRecord {
  /** Where the row stood in the outbox. */
  readonly position: string;
  /** The CloudEvents id; what requeue() takes. */
  readonly id: string;
  readonly topic: string;
  readonly recordKey: string;
  readonly type: string;
  readonly source: string;
  readonly subject: string | null;
  readonly occurredAt: Date;
  /** Without any UPI PIN block (storable-json.ts). */
  readonly data: object;
  readonly traceparent: string | null;
  readonly reason: string;
  readonly quarantinedAt: Date;
}

export interface QuarantinePage {
  readonly items: readonly QuarantinedOutboxRecord[];
  /** Pass as `beforePosition` for the next page; null on the last one. */
  readonly nextBeforePosition: string | null;
}

export type RequeueResult = { readonly outcome: 'requeued'; readonly position: string } | { readonly outcome: 'not-found' };

export const MAX_QUARANTINE_PAGE_SIZE = 200;

interface QuarantineRow {
  position: string;
  id: string;
  topic: string;
  record_key: string;
  type: string;
  source: string;
  subject: string | null;
  occurred_at: Date;
  data: object;
  traceparent: string | null;
  reason: string;
  quarantined_at: Date;
}

function quarantinedOf(row: QuarantineRow): QuarantinedOutboxRecord {
  return {
    position: row.position,
    id: row.id,
    topic: row.topic,
    recordKey: row.record_key,
    type: row.type,
    source: row.source,
    subject: row.subject,
    occurredAt: new Date(row.occurred_at),
    data: row.data,
    traceparent: row.traceparent,
    reason: row.reason,
    quarantinedAt: new Date(row.quarantined_at),
  };
}

/**
 * The operator's view of `outbox_quarantine` (see OutboxRelay): what was set aside and why, and
 * requeue, which puts a row back at the END of the outbox once its cause is fixed (a topic's size
 * limit raised, a bug deployed away). It goes out after messages its aggregate emitted since, which
 * consumers must cope with, as with any late message.
 */
export class OutboxQuarantine {
  constructor(
    private readonly dataSource: DataSource,
    /** Called after a requeue so the relay publishes it at once. */
    private readonly onRequeued: () => void = () => undefined,
  ) {}

  /** Latest outbox position first; `beforePosition` resumes after the previous page. */
  async list(options: { readonly limit: number; readonly beforePosition?: string }): Promise<QuarantinePage> {
    const { limit, beforePosition } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUARANTINE_PAGE_SIZE) throw new RangeError(`limit must be an integer from 1 to ${MAX_QUARANTINE_PAGE_SIZE}`);
    if (beforePosition !== undefined && !/^\d{1,19}$/.test(beforePosition)) throw new RangeError('beforePosition must be an outbox position (digits)');
    const rows: QuarantineRow[] = await this.dataSource.query(
      `SELECT position::text AS position, id, topic, record_key, type, source, subject, occurred_at, data, traceparent, reason, quarantined_at
         FROM outbox_quarantine WHERE $1::bigint IS NULL OR position < $1::bigint
        ORDER BY position DESC LIMIT $2`,
      [beforePosition ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return { items: page.map(quarantinedOf), nextBeforePosition: rows.length > limit ? page[page.length - 1].position : null };
  }

  /**
   * Moves the row with CloudEvents id `id` back to the end of the outbox, in one transaction. Its time
   * becomes now: it is produced now, and consumers of signed topics refuse records older than a few
   * minutes (docs/message-signing.md).
   */
  async requeue(id: string): Promise<RequeueResult> {
    if (!isUuid(id)) return { outcome: 'not-found' };
    const rows: { position: string }[] = await this.dataSource.query(
      `WITH moved AS (DELETE FROM outbox_quarantine WHERE id = $1 RETURNING *)
       INSERT INTO outbox_messages (id, topic, record_key, type, source, subject, occurred_at, data, traceparent)
       SELECT id, topic, record_key, type, source, subject, now(), data, traceparent FROM moved
       RETURNING position::text AS position`,
      [id],
    );
    if (rows.length === 0) return { outcome: 'not-found' };
    this.onRequeued();
    return { outcome: 'requeued', position: rows[0].position };
  }
}
