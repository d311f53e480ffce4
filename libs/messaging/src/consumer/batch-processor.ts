import { Logger } from '@nestjs/common';
import { Context, context, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import type { KafkaMessage, TopicPartition, TopicPartitionOffset } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { EVENT_CATALOGUE, isEventType, KirimEvent } from '@kirim/contracts';
import { raiseAlert } from '@kirim/platform';
import { AfterCommitCallbacks } from '../after-commit';
import { decodeCloudEvent } from '../codec/cloud-event.codec';
import type { ChunkPreparer, InboundMessageContext } from '../messaging.types';
import { OutboxWriter } from '../outbox/outbox-writer';
import { DeadLetter, DeadLetterPublisher } from './dead-letter.publisher';
import { countDeadLettersWritten, DeadLetterHooks, DeadLetterRecord, recordDeadLetters } from './dead-letter.store';
import { describeError } from '../describe-error';
import type { RecordVerifier } from '../trust/record-trust';
import { isMessageRefusal } from './message-refused.error';

export type EventDispatcher = (event: KirimEvent<object>, context: InboundMessageContext) => Promise<void>;

export interface BatchProcessorOptions {
  readonly consumerGroup: string;
  readonly maxAttempts: number;
  /** KAFKA_TOPIC_PREFIX, stripped before a record's topic is checked against the contract. */
  readonly topicPrefix: string;
  /** Takes the chunk's locks in a deterministic order before any handler runs. */
  readonly preparer?: ChunkPreparer;
  /** Checks signatures and freshness on signed topics before anything else reads a record. */
  readonly verifier?: RecordVerifier;
  /** Runs in the chunk's transaction for each record written to `dead_letters` (payments flags the payment). */
  readonly onDeadLettered?: DeadLetterHooks['onDeadLettered'];
}

/** Records of one partition, in offset order, consumed from `topic` (its name on the broker). */
export type ConsumedChunk = Readonly<TopicPartition> & { readonly messages: readonly KafkaMessage[] };

/** A consumed record with where it was consumed from. */
type Consumed = Readonly<TopicPartition> & { readonly message: KafkaMessage };

type Decoded =
  | (Consumed & { readonly event: KirimEvent<object>; readonly refuseReplays: boolean })
  | (Consumed & { readonly reason: string });

type DecodedEvent = Extract<Decoded, { event: unknown }>;

/** A dead letter with where its record was consumed from. */
type LocatedDeadLetter = Readonly<TopicPartition> & { readonly letter: DeadLetter };

/** A message whose handler's work is in the chunk's transaction, with the span it was handled in. */
interface AppliedMessage {
  readonly event: KirimEvent<object>;
  readonly span: Span;
}

/**
 * What a committed chunk did: messages applied and written to the outbox, records dead-lettered
 * (alerted after the commit), and what its committed work asked to run after the commit.
 */
interface ChunkOutcome {
  readonly written: number;
  readonly applied: readonly AppliedMessage[];
  readonly deadLettered: readonly DeadLetterRecord[];
  readonly committed: AfterCommitCallbacks;
}

/** Where a message was consumed, for its span and its inbox row. */
type MessageLocation = Readonly<TopicPartitionOffset>;

function locationOf(item: Consumed): MessageLocation {
  return { topic: item.topic, partition: item.partition, offset: item.message.offset };
}

const tracer = trace.getTracer('@kirim/messaging');

/** The context a record's handling continues: its producer's span (remote), or a new trace when it carries none. */
function contextOfRecord(traceparent: string | undefined): Context {
  const parent = traceparent === undefined ? null : parseTraceParent(traceparent);
  return parent === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true });
}

/** Thrown in the fast path when a handler fails: the chunk is replayed message by message. */
class ChunkNeedsCarefulRetry extends Error {}

/**
 * PostgreSQL errors that say nothing about the message: deadlocks and serialization failures (two
 * batches locking the same accounts in opposite orders), lost connections, a server shutting down.
 * The whole chunk is rolled back and kafkajs redelivers it after a backoff; they never count as a
 * failed attempt and never dead-letter a message.
 */
const TRANSIENT_SQLSTATE = /^(40001|40P01|08\w{3}|57P0[1-3]|53300)$/;

export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const sqlState = typeof code === 'string' ? code : typeof driverError?.code === 'string' ? driverError.code : undefined;
  return sqlState !== undefined && TRANSIENT_SQLSTATE.test(sqlState);
}

/**
 * Applies chunks of messages, of one partition or of several, in ONE database transaction, each
 * partition's in offset order: for each message the inbox row (dedupe by CloudEvents source+id) and
 * the handler's effects and outgoing messages commit together. KafkaBatchTransport hands over the
 * chunks of the partitions kafkajs gave it at once (ChunkCombiner): one transaction, one lock pass
 * and one outbox write for all of them, not one each.
 *
 * Fast path: the chunk runs without savepoints. If a handler throws, the transaction is rolled back
 * and the chunk is replayed in careful mode, each message under a savepoint and tried up to
 * `maxAttempts` times; one that still fails is marked dead-lettered in the inbox and sent to the
 * dead-letter topic, and the others commit. Records that cannot be decoded or validated go to the
 * dead-letter topic at once: retrying cannot fix them.
 *
 * What handlers ask to run after the commit (`tx.afterCommit`) runs once the chunk's transaction has
 * committed, only for the attempt of each message that is part of it: nothing of the abandoned fast
 * path, nor of a careful attempt rolled back to its savepoint, nor of a chunk rolled back whole.
 *
 * Every dead letter is also written to `dead_letters` in the chunk's transaction, so the store an
 * operator lists and replays from agrees with the inbox, and it is counted and alerted once the
 * transaction has committed. The dead letters are sent before the transaction commits, so a crash in
 * between can send one twice but never lose one; a chunk redelivered after its commit finds its dead
 * letters already stored and sends none again.
 */
export class BatchProcessor {
  private readonly logger = new Logger(BatchProcessor.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: OutboxWriter,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly dispatch: EventDispatcher,
    private readonly options: BatchProcessorOptions,
    private readonly onMessagesCommitted: () => void = () => undefined,
  ) {}

  /** Applies `chunks` in one transaction; a partition must not appear in more than one of them. */
  async process(chunks: readonly ConsumedChunk[]): Promise<void> {
    const decoded = (await Promise.all(chunks.map((chunk) => this.decode(chunk)))).flat();
    let outcome: ChunkOutcome;
    try {
      outcome = await this.runChunk(decoded, false);
    } catch (error) {
      if (!(error instanceof ChunkNeedsCarefulRetry)) throw error;
      outcome = await this.runChunk(decoded, true);
    }
    outcome.committed.run();
    if (outcome.written > 0) this.onMessagesCommitted();
    for (const applied of outcome.applied) this.logApplied(applied);
    for (const deadLetter of outcome.deadLettered) this.alertDeadLettered(deadLetter);
  }

  /** Signed topics: the signature and freshness are checked before a record is even decoded. */
  private async decode({ topic, partition, messages }: ConsumedChunk): Promise<Decoded[]> {
    const logicalTopic = topic.startsWith(this.options.topicPrefix) ? topic.slice(this.options.topicPrefix.length) : topic;
    const verifier = this.options.verifier;
    const refuseReplays = verifier?.isSignedTopic(logicalTopic) ?? false;
    return Promise.all(
      messages.map(async (message): Promise<Decoded> => {
        const refusal = verifier ? await verifier.check(logicalTopic, message) : null;
        if (refusal !== null) return { topic, partition, message, reason: refusal };
        const result = decodeCloudEvent(logicalTopic, message);
        return result.ok ? { topic, partition, message, event: result.event, refuseReplays } : { topic, partition, message, reason: result.reason };
      }),
    );
  }

  /**
   * Runs one message's handler in its own CONSUMER span, a child of the record's traceparent, so
   * the handler's log lines and the messages it publishes carry that message's trace even when a
   * chunk holds the messages of many payments.
   */
  private async inMessageSpan<T>(event: KirimEvent<object>, location: MessageLocation, work: (span: Span) => Promise<T>): Promise<T> {
    const parent = contextOfRecord(event.traceparent);
    const span = tracer.startSpan(
      `process ${location.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': location.topic,
          'messaging.destination.partition.id': String(location.partition),
          'messaging.kafka.offset': Number(location.offset),
          'messaging.consumer.group.name': this.options.consumerGroup,
          'messaging.message.id': event.id,
          'cloudevents.event_type': event.type,
          'cloudevents.event_source': event.source,
        },
      },
      parent,
    );
    try {
      return await context.with(trace.setSpan(parent, span), () => work(span));
    } catch (error) {
      // The fast path marks the handler's own error before it asks for the careful replay.
      if (!(error instanceof ChunkNeedsCarefulRetry)) span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * One info line per message applied, once its transaction has committed, in the message's trace:
   * the type and the aggregate id only (paymentId, userId...), never the payload.
   */
  private logApplied({ event, span }: AppliedMessage): void {
    const keyField = isEventType(event.type) ? EVENT_CATALOGUE[event.type].keyField : 'key';
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => this.logger.log({ type: event.type, [keyField]: event.key }, 'message applied'));
  }

  private alertDeadLettered(deadLetter: DeadLetterRecord): void {
    raiseAlert(
      this.logger,
      'message-dead-lettered',
      {
        deadLetterId: deadLetter.id,
        consumerGroup: deadLetter.consumerGroup,
        topic: deadLetter.topic,
        partition: deadLetter.partition,
        offset: deadLetter.offset,
        ceType: deadLetter.ceType,
        ceId: deadLetter.ceId,
        replayable: deadLetter.replayable,
      },
      `dead-lettered ${deadLetter.ceType ?? 'a record'} from ${deadLetter.topic}/${deadLetter.partition}@${deadLetter.offset}: ${deadLetter.reason}`,
    );
  }

  private async runChunk(decoded: readonly Decoded[], careful: boolean): Promise<ChunkOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const deadLetters: LocatedDeadLetter[] = [];
      for (const item of decoded) {
        if ('reason' in item) deadLetters.push({ topic: item.topic, partition: item.partition, letter: { message: item.message, reason: item.reason, attempts: 1, cause: 'rejected' } });
      }
      const events = decoded.flatMap((item) => ('event' in item ? [item.event] : []));
      if (events.length > 0) await this.options.preparer?.prepareChunk(events, manager, { asOne: !careful });
      const applied: AppliedMessage[] = [];
      const committed = new AfterCommitCallbacks();
      const written = careful
        ? await this.applyOneByOne(manager, decoded, deadLetters, applied, committed)
        : await this.applyAllAtOnce(manager, decoded, deadLetters, applied, committed);
      const deadLettered: DeadLetterRecord[] = [];
      for (const { topic, partition, letters } of byPartition(deadLetters)) {
        const recorded = await recordDeadLetters(manager, this.options.consumerGroup, topic, partition, letters);
        if (recorded.length > 0) committed.add(() => countDeadLettersWritten(topic, recorded));
        for (const { letter, record } of recorded) await this.options.onDeadLettered?.(manager, record, letter.event ?? null, letter.cause);
        await this.deadLetters.publish(topic, partition, recorded.map(({ letter }) => letter));
        deadLettered.push(...recorded.map(({ record }) => record));
      }
      return { written, applied, deadLettered, committed };
    });
  }

  /**
   * The fast path: one inbox INSERT for the chunk, every handler in order, one outbox INSERT.
   * Any handler error abandons the attempt (the caller replays the chunk carefully), with what its
   * handlers asked to run after the commit.
   */
  private async applyAllAtOnce(
    manager: EntityManager,
    decoded: readonly Decoded[],
    deadLetters: LocatedDeadLetter[],
    applied: AppliedMessage[],
    committed: AfterCommitCallbacks,
  ): Promise<number> {
    const events = decoded.filter((item): item is DecodedEvent => 'event' in item);
    const fresh = await this.recordAllInInbox(manager, events);
    deadLetters.push(...(await this.replaysAmong(manager, events.filter((item) => item.refuseReplays && !fresh.has(item)))));
    const outbox = this.writer.buffer();
    for (const item of events) {
      if (!fresh.has(item)) continue;
      const location = locationOf(item);
      const span = await this.inMessageSpan(item.event, location, async (span) => {
        try {
          await this.dispatch(item.event, { ...location, tx: outbox.scope(manager, item.event.traceparent) });
          return span;
        } catch (error) {
          if (isTransientDatabaseError(error)) throw error;
          span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
          this.logger.warn(`handler for ${item.event.type} (${item.event.id}) failed; replaying the chunk message by message: ${describeError(error)}`);
          throw new ChunkNeedsCarefulRetry();
        }
      });
      applied.push({ event: item.event, span });
    }
    if (events.length > 0) await this.finishChunk(manager);
    const written = await outbox.flush(manager);
    outbox.committed.moveTo(committed);
    return written;
  }

  /**
   * The preparer's end of a chunk run as one (ChunkPreparer.finishChunk). Its writes belong to no
   * single message, so one it cannot make sends the chunk to the careful replay, where each handler
   * makes its own and the one at fault is found.
   */
  private async finishChunk(manager: EntityManager): Promise<void> {
    const preparer = this.options.preparer;
    if (preparer?.finishChunk === undefined) return;
    try {
      await preparer.finishChunk(manager);
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      this.logger.warn(`the chunk's deferred writes failed; replaying the chunk message by message: ${describeError(error)}`);
      throw new ChunkNeedsCarefulRetry();
    }
  }

  /**
   * The careful path: each message under a savepoint, retried, dead-lettered if it keeps failing or
   * is refused. Only the attempt that is released joins `committed`.
   */
  private async applyOneByOne(
    manager: EntityManager,
    decoded: readonly Decoded[],
    deadLetters: LocatedDeadLetter[],
    applied: AppliedMessage[],
    committed: AfterCommitCallbacks,
  ): Promise<number> {
    const chunk = { written: 0, committed };
    for (const item of decoded) {
      if ('reason' in item) continue;
      const location = locationOf(item);
      if (!(await this.recordInInbox(manager, location, item.event))) {
        if (item.refuseReplays) deadLetters.push(...(await this.replaysAmong(manager, [item])));
        continue;
      }
      const result = await this.applyWithRetries(manager, item.event, location, chunk);
      if ('span' in result) {
        applied.push({ event: item.event, span: result.span });
        continue;
      }
      await manager.query(
        `UPDATE inbox_messages SET outcome = 'dead-lettered' WHERE consumer_group = $1 AND source = $2 AND message_id = $3`,
        [this.options.consumerGroup, item.event.source, item.event.id],
      );
      const reason = result.refused ? `refused: ${result.reason}` : `handler failed after ${result.attempts} attempts: ${result.reason}`;
      // A refusal is the handler's verdict on what the message says: replaying it cannot change that.
      deadLetters.push({ topic: item.topic, partition: item.partition, letter: { message: item.message, reason, attempts: result.attempts, event: item.event, cause: result.refused ? 'refused' : 'handler-failed' } });
    }
    return chunk.written;
  }

  /**
   * Of messages whose id this group has already seen, those first seen somewhere else: a replay
   * (the same signed record produced again), refused with where the original was applied. The same
   * topic, partition and offset again is Kafka redelivering, which is normal and skipped silently.
   */
  private async replaysAmong(manager: EntityManager, seen: readonly DecodedEvent[]): Promise<LocatedDeadLetter[]> {
    if (seen.length === 0) return [];
    const rows: { source: string; message_id: string; topic: string; partition: number; kafka_offset: string }[] = await manager.query(
      `SELECT source, message_id, topic, partition, kafka_offset::text AS kafka_offset
         FROM inbox_messages
        WHERE consumer_group = $1 AND (source, message_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [this.options.consumerGroup, seen.map((item) => item.event.source), seen.map((item) => item.event.id)],
    );
    const firstSeen = new Map<string, MessageLocation>(rows.map((row) => [`${row.source}\u0000${row.message_id}`, { topic: row.topic, partition: row.partition, offset: row.kafka_offset }]));
    const replays: LocatedDeadLetter[] = [];
    for (const item of seen) {
      const original = firstSeen.get(`${item.event.source}\u0000${item.event.id}`);
      if (!original || (original.topic === item.topic && original.partition === item.partition && original.offset === item.message.offset)) continue;
      const reason = `replayed: ce_id ${item.event.id} from ${item.event.source} was already applied from ${original.topic}/${original.partition}@${original.offset}`;
      replays.push({ topic: item.topic, partition: item.partition, letter: { message: item.message, reason, attempts: 1, event: item.event, cause: 'duplicate-of-applied' } });
    }
    return replays;
  }

  /**
   * Records the chunk's messages in the inbox with one INSERT and returns those this consumer group
   * had not seen. Within the chunk, the first of several records with one id counts (unnest keeps
   * the arrays' order, and a conflict with a row inserted earlier by the same statement is skipped).
   */
  private async recordAllInInbox(manager: EntityManager, events: readonly DecodedEvent[]): Promise<Set<Decoded>> {
    if (events.length === 0) return new Set();
    // unnest keeps it one statement text with a fixed number of parameters, however many messages.
    const inserted: { source: string; message_id: string }[] = await manager.query(
      `INSERT INTO inbox_messages (consumer_group, source, message_id, topic, partition, kafka_offset, outcome)
       SELECT $1, m.source, m.message_id, m.topic, m.partition, m.kafka_offset, 'applied'
         FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[]) WITH ORDINALITY AS m(source, message_id, topic, partition, kafka_offset, position)
        ORDER BY m.position
       ON CONFLICT DO NOTHING RETURNING source, message_id`,
      [
        this.options.consumerGroup,
        events.map((item) => item.event.source),
        events.map((item) => item.event.id),
        events.map((item) => item.topic),
        events.map((item) => item.partition),
        events.map((item) => item.message.offset),
      ],
    );
    const newKeys = new Set(inserted.map((row) => `${row.source}\u0000${row.message_id}`));
    const fresh = new Set<Decoded>();
    for (const item of events) {
      const key = `${item.event.source}\u0000${item.event.id}`;
      if (newKeys.delete(key)) fresh.add(item);
    }
    return fresh;
  }

  /**
   * The span of the attempt that succeeded; otherwise why none did: the last error after every
   * attempt failed, or at once the handler's refusal (retrying cannot change a verdict).
   */
  private async applyWithRetries(
    manager: EntityManager,
    event: KirimEvent<object>,
    location: MessageLocation,
    chunk: { written: number; readonly committed: AfterCommitCallbacks },
  ): Promise<{ readonly span: Span } | { readonly reason: string; readonly attempts: number; readonly refused: boolean }> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt += 1) {
      await manager.query('SAVEPOINT kirim_inbound_message');
      try {
        const { span, written, committed } = await this.inMessageSpan(event, location, async (span) => ({ span, ...(await this.apply(manager, event, location)) }));
        await manager.query('RELEASE SAVEPOINT kirim_inbound_message');
        // Only now is this attempt part of the chunk: a failed one is dropped with its callbacks.
        chunk.written += written;
        committed.moveTo(chunk.committed);
        return { span };
      } catch (error) {
        if (isTransientDatabaseError(error)) throw error;
        // If the connection itself is gone this throws too, and the chunk is retried later as a whole.
        await manager.query('ROLLBACK TO SAVEPOINT kirim_inbound_message');
        if (isMessageRefusal(error)) return { reason: error.message, attempts: attempt, refused: true };
        lastError = describeError(error);
      }
    }
    return { reason: lastError, attempts: this.options.maxAttempts, refused: false };
  }

  private async apply(manager: EntityManager, event: KirimEvent<object>, location: MessageLocation): Promise<{ readonly written: number; readonly committed: AfterCommitCallbacks }> {
    const scope = this.writer.open(manager, event.traceparent);
    await this.dispatch(event, { ...location, tx: scope });
    return { written: await scope.flush(), committed: scope.committed };
  }

  /** True if this consumer group had not seen the message; false for a redelivery. */
  private async recordInInbox(manager: EntityManager, { topic, partition, offset }: MessageLocation, event: KirimEvent<object>): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO inbox_messages (consumer_group, source, message_id, topic, partition, kafka_offset, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, 'applied') ON CONFLICT DO NOTHING RETURNING 1`,
      [this.options.consumerGroup, event.source, event.id, topic, partition, offset],
    );
    return rows.length > 0;
  }
}


/**
 * Dead letters grouped by the partition their records came from, each group in offset order, so an
 * operator replaying the dead-letter topic keeps the partition's order.
 */
function byPartition(deadLetters: readonly LocatedDeadLetter[]): (Readonly<TopicPartition> & { readonly letters: DeadLetter[] })[] {
  const groups = new Map<string, Readonly<TopicPartition> & { readonly letters: DeadLetter[] }>();
  for (const { topic, partition, letter } of deadLetters) {
    const key = `${topic}\u0000${partition}`;
    const group = groups.get(key) ?? { topic, partition, letters: [] };
    group.letters.push(letter);
    groups.set(key, group);
  }
  for (const { letters } of groups.values()) letters.sort((a, b) => (BigInt(a.message.offset) < BigInt(b.message.offset) ? -1 : 1));
  return [...groups.values()];
}
