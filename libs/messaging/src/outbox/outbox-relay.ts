import { Logger } from '@nestjs/common';
import type { Message, Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { raiseAlert } from '@kirim/platform';
import { encodeCloudEvent } from '../codec/cloud-event.codec';
import { ConnectionGuard } from '../kafka/connection-guard';
import { describeError } from '../describe-error';
import { storableCopy, storableText } from '../persistence/storable-json';
import { RecordSigner } from '../trust/record-trust';
import { brokerRefusalOf, isNonRetriableProtocolError } from './broker-refusal';
import { outboxBacklogGauges } from './outbox-backlog';

export interface OutboxRow {
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
}

export interface OutboxRelayOptions {
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  /** Distinguishes this service's relay lock from others sharing a database server. */
  readonly lockName: string;
  /** KAFKA_TOPIC_PREFIX: the outbox stores logical topic names, the broker has prefixed ones. */
  readonly topicPrefix: string;
}

const MAX_BACKOFF_MS = 5000;

/**
 * How soon a relay that found another replica publishing looks again. That replica may have read the
 * outbox just before this one's rows committed, and would then leave them for its next poll.
 */
const LOCK_BUSY_RETRY_MS = 20;

/** Longest quarantine reason kept: enough to act on, bounded. */
const MAX_REASON_LENGTH = 2000;

/** A row ready to send: the Kafka record and the (prefixed) topic it goes to. */
interface EncodedRow {
  readonly row: OutboxRow;
  readonly topic: string;
  readonly message: Message;
}

interface SetAside {
  readonly row: OutboxRow;
  readonly reason: string;
}

/** What one batch came to. `failure`: an outage met part-way, thrown once what was done has committed. */
interface BatchOutcome {
  readonly published: number;
  readonly quarantined: readonly SetAside[];
  readonly failure?: unknown;
  /** Another replica held the relay lock: nothing was looked at. */
  readonly lockBusy?: true;
}

/** A row's position as the integer it must be: positions are written into the DELETE's text. */
function positionOf(row: OutboxRow): string {
  if (!/^[0-9]{1,19}$/.test(row.position)) throw new Error(`outbox position ${row.position} is not an integer`);
  return row.position;
}

const NOTHING_DONE: BatchOutcome = { published: 0, quarantined: [] };
const LOCK_BUSY: BatchOutcome = { published: 0, quarantined: [], lockBusy: true };

/**
 * Publishes outbox rows to Kafka in insertion order, in batches, with the idempotent producer, and
 * deletes them once Kafka has acknowledged them (acks=all).
 *
 * Several replicas may run a relay against one database. A transaction-scoped advisory lock lets
 * one of them publish at a time, which keeps per-key order without coordinating anything else;
 * the others take over as soon as it stops. If the process dies after Kafka acknowledged a batch
 * but before the delete committed, the batch is published again: consumers dedupe by event id
 * (inbox), which is what makes delivery effectively-once. On a signed topic the second copy sits at
 * another offset, so the consumer refuses it as a replay (docs/message-signing.md) and dead-letters
 * it (cause `duplicate-of-applied`), not replayable: nothing is applied twice; an operator sees a
 * dead letter for it, but no aggregate is flagged for it.
 *
 * A row that cannot be sent, ever, does not hold up the rows behind it: one it cannot encode or sign,
 * or one the broker refuses for good (brokerRefusalOf: larger than the topic allows, say), is moved to
 * `outbox_quarantine` with the reason, in the transaction that deletes the rows sent, and alerted
 * (`outbox-record-quarantined`); an operator requeues it (OutboxQuarantine) once the cause is fixed.
 * When the broker refuses a batch that way, the batch's rows are sent one by one, in order, to find
 * the culprits; the others go out. An outage (the broker down, a retriable error, an authorization
 * failure) quarantines nothing: the batch is retried with backoff, as always.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private wakeRequested = false;
  private consecutiveFailures = 0;
  private lastError?: string;
  private lastSuccessAt = 0;
  private producer: Producer;
  private producerConnection: ConnectionGuard;

  constructor(
    private readonly dataSource: DataSource,
    /**
     * Makes the relay's own idempotent producer; called again to replace it after the broker refused
     * part of a request (isNonRetriableProtocolError), whose sequence numbers kafkajs then has wrong.
     */
    private readonly createProducer: () => Producer,
    private readonly options: OutboxRelayOptions,
    /** Signs records on signed topics just before they are sent (the outbox keeps them unsigned). */
    private readonly signer: RecordSigner = new RecordSigner(null),
  ) {
    this.producer = createProducer();
    this.producerConnection = ConnectionGuard.forProducer(this.producer);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // The relay owns the outbox, so its backlog gauges read the relay's database.
    outboxBacklogGauges.watch(this.dataSource);
    this.loop = this.runLoop();
  }

  /** Asks the relay to look at the outbox now instead of at its next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  /** Stops polling, publishes what is left, so a clean shutdown leaves nothing behind, and disconnects its producer. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    try {
      while ((await this.publishBatch()) > 0) {
        /* drain */
      }
    } catch (error) {
      this.logger.warn(`outbox not fully drained at shutdown; the rest goes out on the next start: ${describeError(error)}`);
    }
    await this.producer.disconnect().catch((error: unknown) => this.logger.warn(`outbox producer did not disconnect cleanly: ${describeError(error)}`));
  }

  /** Health: false after repeated publish failures (the broker is unreachable). */
  status(): { healthy: boolean; consecutiveFailures: number; lastError?: string; lastSuccessAt: number } {
    return { healthy: this.consecutiveFailures < 3, consecutiveFailures: this.consecutiveFailures, lastError: this.lastError, lastSuccessAt: this.lastSuccessAt };
  }

  /**
   * Publishes at most one batch; returns how many rows it dealt with, published or quarantined (0
   * when idle or another replica holds the lock). Throws on an outage, after committing what was
   * done before it.
   */
  async publishBatch(): Promise<number> {
    return (await this.publishOneBatch()).done;
  }

  /**
   * One pass in its own transaction, on one pooled connection, in two round trips: BEGIN travels
   * with the lock-and-read, and the DELETE of what was sent with the COMMIT, each pair as one
   * simple-protocol query (TypeORM's transaction would send all four apart; the relay runs after
   * nearly every commit, so that was a large share of all statements). Only values the relay made
   * itself go into those texts: its lock name, quoted by the driver; its batch size; positions read
   * from the table. Anything that fails rolls the pass back, as before.
   */
  private async publishOneBatch(): Promise<{ readonly done: number; readonly lockBusy: boolean }> {
    const client = await this.pool().connect();
    // The pool listens to a connection's errors only while it is idle. One lost while the pass holds
    // it (the database restarted, the backend terminated during the send) must fail the pass, not
    // crash the process with an unhandled 'error' event.
    let lost: Error | undefined;
    const onLost = (error: Error): void => {
      lost = error;
    };
    client.on('error', onLost);
    let outcome: BatchOutcome;
    try {
      outcome = await this.publishIn(client);
    } catch (error) {
      // A connection that is lost, or cannot even roll back, is dropped rather than pooled again.
      const rolledBack = lost === undefined && (await client.query('ROLLBACK').then(() => true, () => false));
      if (!rolledBack) lost ??= error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.removeListener('error', onLost);
      client.release(lost);
    }
    for (const { row, reason } of outcome.quarantined) {
      raiseAlert(this.logger, 'outbox-record-quarantined', { outboxId: row.id, position: row.position, topic: row.topic, type: row.type }, `outbox record set aside: ${reason}`);
    }
    if (outcome.failure !== undefined) throw outcome.failure;
    return { done: outcome.published + outcome.quarantined.length, lockBusy: outcome.lockBusy === true };
  }

  private async publishIn(client: PoolClient): Promise<BatchOutcome> {
    const rows = await this.beginLockAndRead(client);
    if (rows === 'lock-busy' || rows.length === 0) {
      await client.query('COMMIT');
      return rows === 'lock-busy' ? LOCK_BUSY : NOTHING_DONE;
    }
    const encoded: EncodedRow[] = [];
    const quarantined: SetAside[] = [];
    for (const row of rows) {
      try {
        encoded.push({ row, topic: this.options.topicPrefix + row.topic, message: await this.encode(row) });
      } catch (error) {
        quarantined.push({ row, reason: `cannot be encoded or signed: ${describeError(error)}` });
      }
    }
    const { sent, failure } = await this.send(encoded, quarantined);
    await this.quarantine(client, quarantined);
    await client.query(sent.length > 0 ? `DELETE FROM outbox_messages WHERE position = ANY('{${sent.map((item) => positionOf(item.row)).join(',')}}'::bigint[]); COMMIT` : 'COMMIT');
    return { published: sent.length, quarantined, failure };
  }

  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  private async encode(row: OutboxRow): Promise<Message> {
    const encoded = encodeCloudEvent({
      id: row.id,
      type: row.type,
      source: row.source,
      subject: row.subject,
      time: new Date(row.occurred_at),
      key: row.record_key,
      data: row.data,
      traceparent: row.traceparent,
    });
    return this.signer.sign(row.topic, encoded);
  }

  /**
   * Sends the batch in one request. If the broker refuses a record in it for good, sends the rows one
   * by one, in order, adding the refused ones to `quarantined`. Returns the rows the broker took, and
   * the outage that stopped the one-by-one sending part-way, if one did.
   */
  private async send(encoded: readonly EncodedRow[], quarantined: SetAside[]): Promise<{ readonly sent: readonly EncodedRow[]; readonly failure?: unknown }> {
    if (encoded.length === 0) return { sent: [] };
    const byTopic = new Map<string, Message[]>();
    for (const item of encoded) {
      const messages = byTopic.get(item.topic) ?? [];
      messages.push(item.message);
      byTopic.set(item.topic, messages);
    }
    try {
      await this.producerConnection.ensureConnected();
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages })) });
      return { sent: encoded };
    } catch (error) {
      if (isNonRetriableProtocolError(error)) await this.replaceProducer();
      // Anything else is an outage: the transaction rolls back and the batch is retried with backoff.
      if (brokerRefusalOf(error) === null) throw error;
      this.logger.warn(`the broker refused a batch of ${encoded.length} outbox records for good (${describeError(error)}); sending them one by one to find which`);
    }
    const sent: EncodedRow[] = [];
    for (const item of encoded) {
      try {
        await this.producerConnection.ensureConnected();
        await this.producer.send({ acks: -1, topic: item.topic, messages: [item.message] });
        sent.push(item);
      } catch (error) {
        const refusal = brokerRefusalOf(error);
        // An outage part-way: what went out is deleted, the rest waits for the next attempt.
        if (refusal === null) return { sent, failure: error };
        quarantined.push({ row: item.row, reason: `refused by the broker (${refusal}): ${describeError(error)}` });
      }
    }
    return { sent };
  }

  /**
   * Moves rows from the outbox to `outbox_quarantine`, in the caller's transaction. Their data is
   * kept without a UPI PIN block (storable-json.ts): a requeued debit then goes without one and its
   * bank declines it U30.
   */
  private async quarantine(client: PoolClient, setAside: readonly SetAside[]): Promise<void> {
    if (setAside.length === 0) return;
    await client.query(
      `WITH moved AS (DELETE FROM outbox_messages WHERE position = ANY($1::bigint[]) RETURNING *)
       INSERT INTO outbox_quarantine (position, id, topic, record_key, type, source, subject, occurred_at, data, traceparent, reason)
       SELECT moved.position, moved.id, moved.topic, moved.record_key, moved.type, moved.source, moved.subject, moved.occurred_at, q.data::jsonb, moved.traceparent, q.reason
         FROM moved JOIN unnest($1::bigint[], $2::text[], $3::text[]) AS q(position, reason, data) ON q.position = moved.position`,
      [
        setAside.map(({ row }) => row.position),
        setAside.map(({ reason }) => storableText(reason, MAX_REASON_LENGTH)),
        setAside.map(({ row }) => JSON.stringify(storableCopy(row.data).value)),
      ],
    );
  }

  private async replaceProducer(): Promise<void> {
    const previous = this.producer;
    this.producer = this.createProducer();
    this.producerConnection = ConnectionGuard.forProducer(this.producer);
    await previous.disconnect().catch((error: unknown) => this.logger.warn(`replaced outbox producer did not disconnect cleanly: ${describeError(error)}`));
  }

  /**
   * Opens the pass's transaction, takes the relay lock and reads the oldest batch, in one round trip:
   * the lock is tried once, and the rows are read only if it was taken. Always one row back at
   * least: the lock's answer, with the columns of the first outbox row, or nulls when the outbox is
   * empty or the lock was busy.
   */
  private async beginLockAndRead(client: PoolClient): Promise<OutboxRow[] | 'lock-busy'> {
    const results = (await client.query(
      `BEGIN;
       SELECT relay.locked, o.position, o.id, o.topic, o.record_key, o.type, o.source, o.subject, o.occurred_at, o.data, o.traceparent
         FROM (SELECT pg_try_advisory_xact_lock(hashtext(${client.escapeLiteral(this.options.lockName)})) AS locked) relay
         LEFT JOIN LATERAL (
           SELECT * FROM outbox_messages WHERE relay.locked ORDER BY position LIMIT ${this.batchSize}
         ) o ON true`,
    )) as unknown as { rows: (OutboxRow & { locked: boolean })[] }[];
    const rows = results[1].rows;
    if (rows[0]?.locked !== true) return 'lock-busy';
    return rows.filter((row) => row.position !== null).map(({ locked: _locked, ...row }) => row);
  }

  /** The batch size as the integer it must be: it is written into the read's text. */
  private get batchSize(): number {
    const size = this.options.batchSize;
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`outbox batch size must be a positive integer, not ${size}`);
    return size;
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      let published = 0;
      let lockBusy = false;
      try {
        ({ done: published, lockBusy } = await this.publishOneBatch());
        if (this.consecutiveFailures > 0) this.logger.log('outbox relay recovered');
        this.consecutiveFailures = 0;
        this.lastError = undefined;
        this.lastSuccessAt = Date.now();
      } catch (error) {
        this.consecutiveFailures += 1;
        this.lastError = describeError(error);
        this.logger.warn(`outbox publish failed (attempt ${this.consecutiveFailures}), will retry: ${this.lastError}`);
        // Not cut short by wake(): while the broker is down every commit would wake us.
        await this.pause(Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(this.consecutiveFailures, 6)), false);
        continue;
      }
      // A full batch means more is waiting: go again at once.
      if (published < this.options.batchSize) await this.pause(lockBusy ? Math.min(LOCK_BUSY_RETRY_MS, this.options.pollIntervalMs) : this.options.pollIntervalMs);
    }
  }

  private pause(ms: number, wakeable = true): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (wakeable && this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // stop() always interrupts a pause; wake() only a wakeable one.
      this.wakeUp = wakeable ? done : () => (this.running ? undefined : done());
    });
  }
}

