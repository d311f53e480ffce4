import { Logger } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { encodeCloudEvent } from '../codec/cloud-event.codec';
import { ConnectionGuard } from '../kafka/connection-guard';
import { describeError } from '../describe-error';
import { RecordSigner } from '../trust/record-trust';

interface OutboxRow {
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
 * Publishes outbox rows to Kafka in insertion order, in batches, with the idempotent producer, and
 * deletes them once Kafka has acknowledged them (acks=all).
 *
 * Several replicas may run a relay against one database. A transaction-scoped advisory lock lets
 * one of them publish at a time, which keeps per-key order without coordinating anything else;
 * the others take over as soon as it stops. If the process dies after Kafka acknowledged a batch
 * but before the delete committed, the batch is published again: consumers dedupe by event id
 * (inbox), which is what makes delivery effectively-once.
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
  private readonly producerConnection: ConnectionGuard;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly options: OutboxRelayOptions,
    /** Signs records on signed topics just before they are sent (the outbox keeps them unsigned). */
    private readonly signer: RecordSigner = new RecordSigner(null),
  ) {
    this.producerConnection = ConnectionGuard.forProducer(producer);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  /** Asks the relay to look at the outbox now instead of at its next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  /** Stops polling and publishes what is left, so a clean shutdown leaves nothing behind. */
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
  }

  /** Health: false after repeated publish failures (the broker is unreachable). */
  status(): { healthy: boolean; consecutiveFailures: number; lastError?: string; lastSuccessAt: number } {
    return { healthy: this.consecutiveFailures < 3, consecutiveFailures: this.consecutiveFailures, lastError: this.lastError, lastSuccessAt: this.lastSuccessAt };
  }

  /** Publishes at most one batch; returns how many messages went out (0 when idle or another replica holds the lock). */
  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.tryLock(manager))) return 0;
      const rows: OutboxRow[] = await manager.query(
        `SELECT position, id, topic, record_key, type, source, subject, occurred_at, data, traceparent
           FROM outbox_messages ORDER BY position LIMIT $1`,
        [this.options.batchSize],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, ReturnType<typeof encodeCloudEvent>[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
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
        messages.push(await this.signer.sign(row.topic, encoded));
        byTopic.set(row.topic, messages);
      }
      await this.producerConnection.ensureConnected();
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic: this.options.topicPrefix + topic, messages })),
      });
      await manager.query('DELETE FROM outbox_messages WHERE position = ANY($1::bigint[])', [rows.map((row) => row.position)]);
      return rows.length;
    });
  }

  private async tryLock(manager: EntityManager): Promise<boolean> {
    const [{ locked }] = (await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [this.options.lockName])) as [{ locked: boolean }];
    return locked;
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
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
      if (published < this.options.batchSize) await this.pause(this.options.pollIntervalMs);
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

