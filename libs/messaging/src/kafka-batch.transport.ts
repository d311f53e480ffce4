import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { Gauge } from 'prom-client';
import { lastValueFrom } from 'rxjs';
import { EVENT_CATALOGUE, eventTypesOnTopic, KirimEvent } from '@kirim/contracts';
import { catalogued, serviceMetrics } from '@kirim/platform';
import type { ChunkPreparer, InboundMessageContext } from './messaging.types';
import { BatchProcessor } from './consumer/batch-processor';
import { ChunkCombiner } from './consumer/chunk-combiner';
import { ConsumerState } from './consumer/consumer-state';

export interface KafkaBatchTransportOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly partitionsConsumedConcurrently: number;
  /** Most messages applied in one transaction, however many partitions' chunks it holds. */
  readonly transactionSize: number;
  /**
   * How long handled offsets may wait before they are committed (CONSUMER_OFFSET_COMMIT_INTERVAL_MS);
   * 0 commits after every chunk. See KafkaBatchTransport.
   */
  readonly offsetCommitIntervalMs: number;
  /** Stripped from `topics` to find the event types consumed. */
  readonly topicPrefix: string;
  /** Addresses whose types need handlers even if none of their topics is consumed (see MessagingOptions). */
  readonly handledAddresses?: readonly string[];
}

const RESTART_DELAY_MS = 2000;

/**
 * Per partition this replica consumes, how far behind the broker it is: taken from what each batch
 * already carries (its high watermark), so it needs no admin call and no ACL beyond consuming. It is
 * as of the last chunk handled: a consumer that stops fetching stops updating it (readiness says so).
 */
const consumerLag = new Gauge({ ...catalogued('kirim_kafka_consumer_lag_messages'), registers: [serviceMetrics] });

/**
 * Messages after `handledOffset` on a partition whose high watermark (the offset the next message
 * written gets) is `highWatermark`. Never negative: the watermark is read at fetch time.
 */
export function lagAfter(highWatermark: string, handledOffset: string): number {
  const lag = BigInt(highWatermark) - BigInt(handledOffset) - 1n;
  return lag > 0n ? Number(lag) : 0;
}

/**
 * A @nestjs/microservices transport over kafkajs that consumes in batches. Services declare
 * `@EventPattern(type)` handlers as usual; this server routes each decoded, validated CloudEvent to
 * the handler for its type, many messages per database transaction (see BatchProcessor), with
 * per-partition order kept and several partitions worked on at once: the chunks kafkajs hands over
 * for several partitions together are applied in one transaction (ChunkCombiner).
 *
 * Nest's built-in Kafka server handles one message at a time and cannot batch, hence this one.
 *
 * Offsets are committed at most once per `offsetCommitIntervalMs`, not after every fetched batch as
 * kafkajs's autoCommit does (at a low rate, every record is a batch, and an OffsetCommit per record
 * per group cost the broker more than the records did). What is handled but not yet committed is
 * committed when the interval passes, when the consumer stops, and before it gives up a rebalance;
 * after a crash it is delivered again, which the inbox (BatchProcessor) makes harmless.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private combiner?: ChunkCombiner;
  private preparer?: ChunkPreparer;
  /** Commits what has been handled and not yet committed; set by the latest batch, run by the commit timer or at stop. */
  private commitHandled?: () => Promise<void>;
  private commitTimer?: NodeJS.Timeout;
  /** The partitions this replica reports lag for, `topic\u0000partition`; dropped when they are assigned elsewhere. */
  private readonly lagReported = new Set<string>();

  protected override readonly logger = new Logger(KafkaBatchTransport.name);

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaBatchTransportOptions,
    private readonly createProcessor: (
      dispatch: (event: KirimEvent<object>, context: InboundMessageContext) => Promise<void>,
      preparer: ChunkPreparer | undefined,
    ) => BatchProcessor,
    readonly state: ConsumerState,
  ) {
    super();
  }

  /** Set before the app starts its microservices (see connectKafkaTransport). */
  useChunkPreparer(preparer: ChunkPreparer): void {
    this.preparer = preparer;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.assertClosedHandlerMap();
      const processor = this.createProcessor((event, context) => this.dispatch(event, context), this.preparer);
      this.combiner = new ChunkCombiner((chunks) => processor.process(chunks), this.options.transactionSize);
      // Not awaited: with the broker down the service still boots (HTTP up, readiness red) and the
      // consumer joins as soon as the broker answers.
      this.startConsumer().catch((error: unknown) => {
        this.logger.error(`consumer ${this.options.groupId} could not start, retrying: ${String(error)}`);
        this.scheduleRestart();
      });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops fetching, lets the batch in hand finish (kafkajs waits for it), commits its offsets and leaves the group. */
  async close(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    // What was handled while no batch came since goes now; a batch in hand commits its own once
    // kafkajs stops it (handleBatch), before the group is left.
    await this.flushCommits();
    await this.consumer?.disconnect();
    this.state.markStopped();
    this.forgetLag(() => true);
  }

  on(): void {
    throw new Error('KafkaBatchTransport does not emit transport events; readiness comes from ConsumerState');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('the Kafka consumer has not started');
    return this.consumer as T;
  }

  /**
   * Every event type on a consumed topic needs exactly one handler, and every handler must be for
   * such a type: a gap or a duplicate stops the service at start-up rather than losing messages.
   */
  private assertClosedHandlerMap(): void {
    const handlers = this.getHandlers();
    const expected = new Set<string>([
      ...this.options.topics.flatMap((topic) => eventTypesOnTopic(topic.slice(this.options.topicPrefix.length))),
      ...Object.values(EVENT_CATALOGUE)
        .filter((spec) => (this.options.handledAddresses ?? []).includes(spec.topic))
        .map((spec) => spec.type),
    ]);
    const problems: string[] = [];
    for (const type of expected) {
      const handler = handlers.get(type);
      if (!handler) problems.push(`no @EventPattern handler for ${type}`);
      else if (handler.next) problems.push(`more than one @EventPattern handler for ${type}`);
    }
    for (const pattern of handlers.keys()) {
      if (!expected.has(pattern)) problems.push(`handler for ${pattern}, which is not an event type on the consumed topics (${this.options.topics.join(', ')})`);
    }
    if (problems.length > 0) throw new Error(`Kafka handler map for ${this.options.groupId} is not closed: ${problems.join('; ')}`);
  }

  /**
   * Runs `event` through the @EventPattern handler of its type, as a consumed message is run:
   * DeadLetterReplayer applies a stored dead letter with it. Handlers exist once the app has started
   * its microservices; before that, every type is "no handler".
   */
  dispatchEvent(event: KirimEvent<object>, context: InboundMessageContext): Promise<void> {
    return this.dispatch(event, context);
  }

  /** The service's chunk preparer, which a replayed message goes through as a chunk of one. */
  get chunkPreparer(): ChunkPreparer | undefined {
    return this.preparer;
  }

  private async dispatch(event: KirimEvent<object>, context: InboundMessageContext): Promise<void> {
    const handler = this.getHandlers().get(event.type) as MessageHandler | undefined;
    if (!handler) throw new Error(`no handler for ${event.type}`);
    const result: unknown = await handler(event, context);
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  private async startConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      // A chunk takes well under a second, and BatchProcessor heartbeats between chunks, so a short
      // session lets the group recover quickly when a member or the broker goes away.
      sessionTimeout: 15000,
      rebalanceTimeout: 20000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 1000,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    this.consumer = consumer;
    this.state.watch(consumer);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error(`consumer ${this.options.groupId} crashed: ${payload.error.message}${payload.restart ? ' (kafkajs restarts it)' : ''}`);
      if (!payload.restart) this.scheduleRestart();
    });
    // A partition now consumed by another replica is reported there: a stale value here would count it twice.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => lagKey(topic, partition))));
      this.forgetLag((key) => !assigned.has(key));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      // Committed by this class, on an interval (see the class comment); kafkajs's autoCommit would
      // commit after every batch whatever the interval.
      autoCommit: false,
      autoCommitInterval: this.options.offsetCommitIntervalMs,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const combiner = this.combiner;
    if (!combiner) throw new Error('batch processor not initialised');
    // Everything this consumer has handled and not committed, whatever the interval (kafkajs commits
    // the offsets given, in this group generation).
    const commitHandled = () => commitOffsetsIfNecessary(uncommittedOffsets());
    const size = this.options.transactionSize;
    // Behind by the whole batch and what followed it when fetched, until its chunks are applied:
    // reported after each chunk only, a consumer that fetches its backlog in one batch would show 0
    // for as long as it worked through it.
    if (batch.messages.length > 0) this.reportLag(batch.topic, batch.partition, lagAfter(batch.highWatermark, (BigInt(batch.messages[0].offset) - 1n).toString()));
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + size);
      const handled = chunk[chunk.length - 1].offset;
      const behind = lagAfter(batch.highWatermark, handled);
      const applied = this.state.startApplying(lagKey(batch.topic, batch.partition), Math.min(...chunk.map((message) => Number(message.timestamp))));
      let caughtUp = false;
      try {
        await combiner.submit({ topic: batch.topic, partition: batch.partition, messages: chunk });
        caughtUp = behind === 0;
      } finally {
        applied(caughtUp);
      }
      resolveOffset(handled);
      this.reportLag(batch.topic, batch.partition, behind);
      this.state.markProgress();
      if (!isRunning()) {
        // Stopping: hand over what was handled before the group is left.
        await commitHandled();
        return;
      }
      await commitOffsetsIfNecessary(); // only once the interval has passed since the last commit
      this.scheduleCommit(commitHandled);
      try {
        await heartbeat();
      } catch (error) {
        // A rebalance is under way (or the coordinator moved): commit while this generation still may,
        // so the partitions' next owner does not redo the interval's work. Failing that, it redoes it.
        await commitHandled().catch(() => undefined);
        throw error;
      }
    }
  }

  /** Makes sure what was handled is committed within the interval even if no further batch comes. */
  private scheduleCommit(commitHandled: () => Promise<void>): void {
    this.commitHandled = commitHandled;
    if (this.commitTimer) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.flushCommits();
    }, this.options.offsetCommitIntervalMs);
    this.commitTimer.unref();
  }

  private async flushCommits(): Promise<void> {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const commitHandled = this.commitHandled;
    this.commitHandled = undefined;
    if (!commitHandled) return;
    try {
      await commitHandled();
    } catch (error) {
      // The group moved on (rebalance, restart): the next owner starts from the last commit and the
      // inbox absorbs what is delivered twice.
      this.logger.warn(`consumer ${this.options.groupId} could not commit its handled offsets; they will be delivered again: ${String(error)}`);
    }
  }

  private reportLag(topic: string, partition: number, lag: number): void {
    consumerLag.set({ topic, partition: String(partition) }, lag);
    this.lagReported.add(lagKey(topic, partition));
  }

  private forgetLag(forget: (key: string) => boolean): void {
    for (const key of [...this.lagReported]) {
      if (!forget(key)) continue;
      const [topic, partition] = key.split('\u0000');
      consumerLag.remove({ topic, partition });
      this.lagReported.delete(key);
    }
  }

  /** kafkajs gives up on non-retriable crashes; a payments consumer must come back by itself. */
  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void (async () => {
        try {
          await this.consumer?.disconnect();
          await this.startConsumer();
          this.logger.log(`consumer ${this.options.groupId} restarted`);
        } catch (error) {
          this.logger.error(`restarting consumer ${this.options.groupId} failed, trying again: ${String(error)}`);
          this.scheduleRestart();
        }
      })();
    }, RESTART_DELAY_MS);
  }
}

function lagKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
