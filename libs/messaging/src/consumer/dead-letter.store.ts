import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { CE_HEADERS, KirimEvent } from '@kirim/contracts';
import { catalogued, serviceMetrics } from '@kirim/platform';
import type { InboundEvent } from '../messaging.types';
import { storableCopy, storableText } from '../persistence/storable-json';
import type { DeadLetter, DeadLetterCause } from './dead-letter.publisher';

export const DEAD_LETTER_STATUSES = ['open', 'replayed'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/** One record a consumer group dead-lettered, as `dead_letters` holds it. */
export interface DeadLetterRecord {
  readonly id: string;
  readonly consumerGroup: string;
  /** Where the record was consumed from (the topic as on the broker, prefix included). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /**
   * Identifiers from the record. For a record refused before it was decoded and validated
   * (signature, format, contract) they are what the record's headers claimed: untrusted.
   */
  readonly recordKey: string | null;
  readonly ceId: string | null;
  readonly ceType: string | null;
  readonly ceSource: string | null;
  readonly ceSubject: string | null;
  readonly reason: string;
  readonly attempts: number;
  /** A handler failure, which a fix can cure: its event is kept and DeadLetterReplayer can apply it. */
  readonly replayable: boolean;
  /** The decoded, validated event without any UPI PIN block (storable-json.ts); only when replayable. */
  readonly event: KirimEvent<object> | null;
  readonly status: DeadLetterStatus;
  readonly createdAt: Date;
  readonly replayedAt: Date | null;
  readonly replayAttempts: number;
  readonly lastReplayError: string | null;
}

/**
 * What a service does about its dead letters, in the messaging layer's own transactions (payments
 * flags the payment a dead letter belongs to, and clears the flag once it is replayed). A hook that
 * throws rolls the whole transaction back: for a consumer chunk that means the chunk is retried, so
 * a hook must not throw for anything it can expect.
 */
export interface DeadLetterHooks {
  /**
   * Runs in the consumer chunk's transaction, once per record written to `dead_letters` (a chunk
   * redelivered after its commit does not run it again). `event`: the decoded, validated event when
   * the record got that far (handler failures and refusals, replays of signed records), null for
   * one refused before (signature, format, contract). `cause` says why (DeadLetterCause): a
   * `duplicate-of-applied` blocks nothing, its original having been applied.
   */
  onDeadLettered?(manager: EntityManager, deadLetter: DeadLetterRecord, event: InboundEvent<object> | null, cause: DeadLetterCause): Promise<void>;
  /** Runs in the replay's transaction, after the handler's effects and the dead letter's new status. */
  onReplayed?(manager: EntityManager, deadLetter: DeadLetterRecord): Promise<void>;
}

/** Where a listing resumes: after the last record of the previous page (newest first). */
export interface DeadLetterCursor {
  readonly createdAtMicros: bigint;
  readonly id: string;
}

export interface DeadLetterQuery {
  readonly status?: DeadLetterStatus;
  readonly consumerGroup?: string;
  readonly ceType?: string;
  /** 1 to MAX_DEAD_LETTER_PAGE_SIZE. */
  readonly limit: number;
  readonly after?: DeadLetterCursor;
}

export interface DeadLetterPage {
  readonly items: readonly DeadLetterRecord[];
  /** Pass to parseDeadLetterCursor for the next page; null on the last one. */
  readonly nextCursor: string | null;
}

export const MAX_DEAD_LETTER_PAGE_SIZE = 200;

/**
 * Dead letters written, by the consumed topic (a closed set: the service's own) and the cause (four
 * values), never by anything the record says. Counted once the chunk's transaction has committed
 * (countDeadLettersWritten, run after the commit), so a chunk rolled back and retried (the .dlq topic
 * unreachable) counts its dead letters once, as `dead_letters` holds them.
 */
const deadLettersWritten = new Counter({ ...catalogued('kirim_dead_letters_total'), registers: [serviceMetrics] });

/** Longest reason stored: the same bound as the `.dlq` header's (enough to act on, bounded). */
const MAX_REASON_LENGTH = 2000;
/** Longest header-derived identifier stored: kirim's are UUIDs and URIs, an untrusted one may be anything. */
const MAX_IDENTIFIER_LENGTH = 256;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const COLUMNS = `id, consumer_group, topic, partition, kafka_offset::text AS kafka_offset, record_key, ce_id, ce_type, ce_source, ce_subject,
  reason, attempts, replayable, event, status, created_at, replayed_at, replay_attempts, last_replay_error,
  (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_at_micros`;

export interface DeadLetterRow {
  id: string;
  consumer_group: string;
  topic: string;
  partition: number;
  kafka_offset: string;
  record_key: string | null;
  ce_id: string | null;
  ce_type: string | null;
  ce_source: string | null;
  ce_subject: string | null;
  reason: string;
  attempts: number;
  replayable: boolean;
  event: KirimEvent<object> | null;
  status: DeadLetterStatus;
  created_at: Date;
  replayed_at: Date | null;
  replay_attempts: number;
  last_replay_error: string | null;
  created_at_micros: string;
}

export const DEAD_LETTER_COLUMNS = COLUMNS;

export function deadLetterOf(row: DeadLetterRow): DeadLetterRecord {
  return {
    id: row.id,
    consumerGroup: row.consumer_group,
    topic: row.topic,
    partition: row.partition,
    offset: row.kafka_offset,
    recordKey: row.record_key,
    ceId: row.ce_id,
    ceType: row.ce_type,
    ceSource: row.ce_source,
    ceSubject: row.ce_subject,
    reason: row.reason,
    attempts: row.attempts,
    replayable: row.replayable,
    event: row.event,
    status: row.status,
    createdAt: new Date(row.created_at),
    replayedAt: row.replayed_at === null ? null : new Date(row.replayed_at),
    replayAttempts: row.replay_attempts,
    lastReplayError: row.last_replay_error,
  };
}

function encodeCursor(row: DeadLetterRow): string {
  return Buffer.from(`${row.created_at_micros}.${row.id}`, 'utf8').toString('base64url');
}

/** The cursor an operator sent back, or null if it is not one this store made (a 400 for the API). */
export function parseDeadLetterCursor(text: string): DeadLetterCursor | null {
  if (text.length > 100 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const match = /^(\d{1,19})\.([0-9a-f-]{36})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match || !isUuid(match[2])) return null;
  return { createdAtMicros: BigInt(match[1]), id: match[2] };
}

function headerText(message: DeadLetter['message'], name: string): string | null {
  const raw = message.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return null;
  return storableText(first.toString(), MAX_IDENTIFIER_LENGTH);
}

interface PreparedDeadLetter {
  readonly id: string;
  readonly letter: DeadLetter;
  readonly recordKey: string | null;
  readonly ceId: string | null;
  readonly ceType: string | null;
  readonly ceSource: string | null;
  readonly ceSubject: string | null;
  readonly reason: string;
  readonly event: KirimEvent<object> | null;
}

/** What is kept of one dead letter: a replayable one keeps its event, without a PIN block. */
function prepare(letter: DeadLetter): PreparedDeadLetter {
  const { message, event } = letter;
  const recordKey = message.key === null ? null : storableText(message.key.toString(), MAX_IDENTIFIER_LENGTH);
  let reason = letter.reason;
  let stored: KirimEvent<object> | null = null;
  if (letter.cause === 'handler-failed' && event) {
    const copy = storableCopy({
      id: event.id,
      type: event.type,
      source: event.source,
      time: event.time,
      ...(event.subject === undefined ? {} : { subject: event.subject }),
      key: event.key,
      ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
      data: event.data,
    });
    if (copy.altered) reason += ' (not replayable from here: it holds characters PostgreSQL cannot store; the original is on the .dlq topic)';
    else stored = copy.value;
  }
  return {
    id: randomUUID(),
    letter,
    recordKey,
    ceId: event ? storableText(event.id, MAX_IDENTIFIER_LENGTH) : headerText(message, CE_HEADERS.ID),
    ceType: event ? event.type : headerText(message, CE_HEADERS.TYPE),
    ceSource: event ? storableText(event.source, MAX_IDENTIFIER_LENGTH) : headerText(message, CE_HEADERS.SOURCE),
    ceSubject: event ? (event.subject === undefined ? null : storableText(event.subject, MAX_IDENTIFIER_LENGTH)) : headerText(message, CE_HEADERS.SUBJECT),
    reason: storableText(reason, MAX_REASON_LENGTH),
    event: stored,
  };
}

/**
 * Writes dead letters into `dead_letters` in the caller's transaction and returns those written
 * with the record they became. One already there (same group, topic, partition and offset: a chunk
 * redelivered after it committed) is skipped and not returned. The caller counts what it returns
 * with countDeadLettersWritten once the transaction has committed.
 */
export async function recordDeadLetters(
  manager: EntityManager,
  consumerGroup: string,
  topic: string,
  partition: number,
  letters: readonly DeadLetter[],
): Promise<{ readonly letter: DeadLetter; readonly record: DeadLetterRecord }[]> {
  if (letters.length === 0) return [];
  const prepared = letters.map(prepare);
  // unnest keeps it one statement with a fixed number of parameters, however large the chunk.
  const rows: DeadLetterRow[] = await manager.query(
    `INSERT INTO dead_letters (id, consumer_group, topic, partition, kafka_offset, record_key, ce_id, ce_type, ce_source, ce_subject, reason, attempts, replayable, event)
     SELECT d.id, $1, $2, $3, d.kafka_offset, d.record_key, d.ce_id, d.ce_type, d.ce_source, d.ce_subject, d.reason, d.attempts, d.event IS NOT NULL, d.event::jsonb
       FROM unnest($4::uuid[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $13::text[])
            AS d(id, kafka_offset, record_key, ce_id, ce_type, ce_source, ce_subject, reason, attempts, event)
     ON CONFLICT (consumer_group, topic, partition, kafka_offset) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      consumerGroup,
      topic,
      partition,
      prepared.map((item) => item.id),
      prepared.map((item) => item.letter.message.offset),
      prepared.map((item) => item.recordKey),
      prepared.map((item) => item.ceId),
      prepared.map((item) => item.ceType),
      prepared.map((item) => item.ceSource),
      prepared.map((item) => item.ceSubject),
      prepared.map((item) => item.reason),
      prepared.map((item) => item.letter.attempts),
      prepared.map((item) => (item.event === null ? null : JSON.stringify(item.event))),
    ],
  );
  const byId = new Map(rows.map((row) => [row.id, deadLetterOf(row)]));
  return prepared.flatMap((item) => {
    const record = byId.get(item.id);
    return record ? [{ letter: item.letter, record }] : [];
  });
}

/** Counts dead letters recordDeadLetters wrote from `topic`; call it once their transaction has committed. */
export function countDeadLettersWritten(topic: string, written: readonly { readonly letter: Pick<DeadLetter, 'cause'> }[]): void {
  for (const { letter } of written) deadLettersWritten.inc({ topic, cause: letter.cause });
}

/** How many dead letters this process wrote from `topic` for `cause` (tests read it). */
export async function deadLettersWrittenCount(topic: string, cause: DeadLetterCause): Promise<number> {
  const metric = await deadLettersWritten.get();
  return metric.values.find((value) => value.labels.topic === topic && value.labels.cause === cause)?.value ?? 0;
}

/** Reads `dead_letters` for the operator: lists (newest first, paged) and single records. */
export class DeadLetterStore {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: DeadLetterQuery): Promise<DeadLetterPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_DEAD_LETTER_PAGE_SIZE) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_DEAD_LETTER_PAGE_SIZE}`);
    }
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (condition: (placeholder: string) => string, value: unknown): void => {
      values.push(value);
      conditions.push(condition(`$${values.length}`));
    };
    if (query.status !== undefined) where((p) => `status = ${p}`, query.status);
    if (query.consumerGroup !== undefined) where((p) => `consumer_group = ${p}`, query.consumerGroup);
    if (query.ceType !== undefined) where((p) => `ce_type = ${p}`, query.ceType);
    if (query.after !== undefined) {
      values.push(query.after.createdAtMicros.toString(), query.after.id);
      // Microseconds, exactly as PostgreSQL keeps them: a JavaScript Date would round to milliseconds.
      conditions.push(`(created_at, id) < (timestamptz 'epoch' + $${values.length - 1}::bigint * interval '1 microsecond', $${values.length}::uuid)`);
    }
    values.push(query.limit + 1);
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM dead_letters ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, query.limit);
    return { items: page.map(deadLetterOf), nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null };
  }

  /** Null for an unknown id, and for anything that is not a UUID (never a database error). */
  async get(id: string): Promise<DeadLetterRecord | null> {
    if (!isUuid(id)) return null;
    const rows: DeadLetterRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM dead_letters WHERE id = $1`, [id]);
    return rows.length === 0 ? null : deadLetterOf(rows[0]);
  }
}
