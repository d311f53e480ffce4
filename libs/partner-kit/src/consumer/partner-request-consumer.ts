import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import type { PartnerLogger } from '../logging/partner-logger';
import type { ConsumedRecord } from '../requests/partner-request';
import type { SeenRecordStore } from '../requests/seen-records';
import { deadLetterRecord } from './dead-letter-record';
import type { PartnerRequestProcessor } from './request-processor';

export interface PartnerRequestConsumerOptions {
  readonly topic: string;
  readonly groupId: string;
  readonly partitionsConsumedConcurrently: number;
  /** Most records whose outcomes wait before they are sent together; an answer waits at most this many requests. */
  readonly flushEvery: number;
  readonly restartDelayMs: number;
}

interface PendingOutcome {
  readonly offset: string;
  readonly send?: { readonly topic: string; readonly message: Message };
  readonly ceId?: string;
}

export function headersAsText(headers: IHeaders | undefined): Record<string, string | undefined> {
  const text: Record<string, string | undefined> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const first = Array.isArray(raw) ? raw[0] : raw;
    text[name] = first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return text;
}

/**
 * Reads the bank's request topic with its own consumer group and, per partition in order, hands each
 * record to the processor, then sends the outcomes (answers, dead letters) with acks from all
 * replicas, then marks them handled, and only then commits the offsets: at least once, never an
 * offset ahead of an answer. A processing error (the bank's database down) sends what is done,
 * commits up to there and leaves the rest to be read again.
 */
export class PartnerRequestConsumer {
  private consumer?: Consumer;
  private producer?: Producer;
  private joined = false;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    private readonly kafka: Kafka,
    private readonly processor: PartnerRequestProcessor,
    private readonly seen: SeenRecordStore,
    private readonly logger: PartnerLogger,
    private readonly options: PartnerRequestConsumerOptions,
  ) {}

  /** Joined its group and consuming. */
  get running(): boolean {
    return this.joined && !this.stopping;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10000 } });
    await producer.connect();
    this.producer = producer;
    await this.startConsumer();
  }

  /** Stops fetching, lets the batch in hand finish (kafkajs waits for it), commits, leaves the group, closes the producer. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.consumer?.disconnect();
    this.joined = false;
    await this.producer?.disconnect();
  }

  private async startConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 15000,
      rebalanceTimeout: 20000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 500,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.logger.info('joined the consumer group', { groupId: this.options.groupId, topic: this.options.topic });
    });
    consumer.on(consumer.events.STOP, () => (this.joined = false));
    consumer.on(consumer.events.DISCONNECT, () => (this.joined = false));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.error('consumer crashed', { error: payload.error.message, restart: payload.restart });
      if (!payload.restart) this.scheduleRestart();
    });
    await consumer.connect();
    // From the beginning for a new group: a request written before the bank's first start is still
    // read (and refused as late if it is); a known group resumes at its committed offsets.
    await consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void (async () => {
        try {
          await this.consumer?.disconnect();
          await this.startConsumer();
          this.logger.info('consumer restarted', { groupId: this.options.groupId });
        } catch (error) {
          this.logger.error('restarting the consumer failed; trying again', { error: error instanceof Error ? error.message : String(error) });
          this.scheduleRestart();
        }
      })();
    }, this.options.restartDelayMs);
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    let pending: PendingOutcome[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const outgoing = pending.filter((entry) => entry.send !== undefined).map((entry) => entry.send as { topic: string; message: Message });
      if (outgoing.length > 0) await this.send(outgoing);
      const ceIds = pending.map((entry) => entry.ceId).filter((ceId): ceId is string => ceId !== undefined);
      if (ceIds.length > 0) await this.seen.markHandled(ceIds);
      resolveOffset(pending[pending.length - 1].offset);
      pending = [];
      await commitOffsetsIfNecessary();
    };
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        pending.push(await this.outcomeOf(batch.topic, batch.partition, message));
        if (pending.length >= this.options.flushEvery) await flush();
        await heartbeat();
      }
      await flush();
    } catch (error) {
      // Send and commit what was done; the record that failed is read again.
      this.logger.error('processing a request failed; it will be read again', { topic: batch.topic, partition: batch.partition, error: error instanceof Error ? error.message : String(error) });
      await flush();
      throw error;
    }
  }

  private async outcomeOf(topic: string, partition: number, message: KafkaMessage): Promise<PendingOutcome> {
    const position = { topic, partition, offset: message.offset };
    const record: ConsumedRecord = {
      position,
      key: message.key === null ? null : message.key.toString('utf8'),
      value: message.value,
      headers: headersAsText(message.headers),
    };
    const outcome = await this.processor.process(record);
    switch (outcome.kind) {
      case 'skip':
        this.logger.debug('redelivered request already handled; skipped', { ceId: outcome.ceId, topic, partition, offset: message.offset });
        return { offset: message.offset };
      case 'dead-letter':
        this.logger.warn('request refused and dead-lettered', { check: outcome.check, reason: outcome.reason, ceId: outcome.ceId, topic, partition, offset: message.offset });
        return { offset: message.offset, send: deadLetterRecord(message, position, outcome.reason, this.options.groupId), ...(outcome.ceId ? { ceId: outcome.ceId } : {}) };
      case 'answer':
        this.logger.info('request answered', { ...outcome.log, partition, offset: message.offset });
        return {
          offset: message.offset,
          ceId: outcome.ceId,
          send: { topic: outcome.record.topic, message: { key: outcome.record.key, value: outcome.record.value, headers: { ...outcome.record.headers } } },
        };
    }
  }

  private async send(outgoing: readonly { topic: string; message: Message }[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('the producer is not connected');
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of outgoing) byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }
}
