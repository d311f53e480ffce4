import { Logger } from '@nestjs/common';
import type { Batch, Consumer, ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { serviceMetrics } from '@kirim/platform';
import type { BatchProcessor } from './consumer/batch-processor';
import { ConsumerState } from './consumer/consumer-state';
import { KafkaBatchTransport, lagAfter } from './kafka-batch.transport';

const TOPIC = 'test.metrics.v1';

/** A kafkajs consumer that hands its batches to the test. */
class FakeConsumer {
  readonly events = { GROUP_JOIN: 'group_join', FETCH: 'fetch', HEARTBEAT: 'heartbeat', CRASH: 'crash', STOP: 'stop', DISCONNECT: 'disconnect' };
  private readonly listeners = new Map<string, ((event: { payload: unknown }) => void)[]>();
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  readonly resolved: string[] = [];

  on(event: string, listener: (event: { payload: unknown }) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener({ payload });
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  subscribe(): Promise<void> {
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }
  async run(config: ConsumerRunConfig): Promise<void> {
    this.eachBatch = config.eachBatch;
  }

  /** Delivers `offsets` of `partition` as one batch fetched when the partition's high watermark was `highWatermark`. */
  async deliver(partition: number, offsets: readonly string[], highWatermark: string): Promise<void> {
    if (!this.eachBatch) throw new Error('the consumer is not running');
    const messages = offsets.map((offset) => ({ offset, key: null, value: null, headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage);
    const batch = { topic: TOPIC, partition, highWatermark, messages } as unknown as Batch;
    await this.eachBatch({
      batch,
      resolveOffset: (offset: string) => this.resolved.push(offset),
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  }
}

async function lagOf(partition: number): Promise<number | undefined> {
  const metric = await serviceMetrics.getSingleMetric('kirim_kafka_consumer_lag_messages')?.get();
  return metric?.values.find((value) => value.labels.topic === TOPIC && value.labels.partition === String(partition))?.value;
}

async function started(transactionSize: number): Promise<{ consumer: FakeConsumer; transport: KafkaBatchTransport; processed: string[][] }> {
  const consumer = new FakeConsumer();
  const processed: string[][] = [];
  const processor = { process: async (_topic: string, _partition: number, chunk: readonly KafkaMessage[]) => void processed.push(chunk.map((message) => message.offset)) };
  const transport = new KafkaBatchTransport(
    { consumer: () => consumer as unknown as Consumer } as unknown as Kafka,
    { groupId: 'kirim.test', topics: [TOPIC], partitionsConsumedConcurrently: 1, transactionSize, topicPrefix: '' },
    () => processor as unknown as BatchProcessor,
    new ConsumerState(15_000),
  );
  await new Promise<void>((resolve, reject) => void transport.listen((error) => (error ? reject(error as Error) : resolve())));
  // listen() starts the consumer without awaiting it.
  for (let turn = 0; turn < 10 && !consumer.eachBatch; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  return { consumer, transport, processed };
}

describe('lagAfter', () => {
  it('counts the messages after the one handled, up to the high watermark', () => {
    expect(lagAfter('100', '89')).toBe(10);
    expect(lagAfter('100', '99')).toBe(0);
    expect(lagAfter('9007199254740993', '9007199254740990')).toBe(2);
  });

  it('is never negative, though the watermark was read before the batch was handled', () => {
    expect(lagAfter('5', '9')).toBe(0);
  });
});

describe('KafkaBatchTransport consumer lag', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('reports each partition behind the broker as of the last chunk handled, falling as chunks commit', async () => {
    const { consumer, transport, processed } = await started(2);
    await consumer.deliver(0, ['10', '11', '12'], '20');
    expect(processed).toEqual([['10', '11'], ['12']]);
    expect(consumer.resolved).toEqual(['11', '12']);
    expect(await lagOf(0)).toBe(7);

    await consumer.deliver(0, ['13', '14', '15', '16', '17', '18', '19'], '20');
    expect(await lagOf(0)).toBe(0);
    await transport.close();
  });

  it('stops reporting partitions assigned to another replica, and all of them when it stops', async () => {
    const { consumer, transport } = await started(10);
    await consumer.deliver(1, ['0'], '50');
    await consumer.deliver(2, ['0'], '30');
    expect([await lagOf(1), await lagOf(2)]).toEqual([49, 29]);

    consumer.emit(consumer.events.GROUP_JOIN, { memberAssignment: { [TOPIC]: [2] } });
    expect([await lagOf(1), await lagOf(2)]).toEqual([undefined, 29]);

    await transport.close();
    expect(await lagOf(2)).toBeUndefined();
  });
});
