import { Logger } from '@nestjs/common';
import type { Batch, Consumer, ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { serviceMetrics } from '@kirim/platform';
import type { BatchProcessor, ConsumedChunk } from './consumer/batch-processor';
import { ConsumerState } from './consumer/consumer-state';
import { KafkaBatchTransport, lagAfter } from './kafka-batch.transport';

const TOPIC = 'test.metrics.v1';

/** A kafkajs consumer that hands its batches to the test. */
class FakeConsumer {
  readonly events = { GROUP_JOIN: 'group_join', FETCH: 'fetch', HEARTBEAT: 'heartbeat', CRASH: 'crash', STOP: 'stop', DISCONNECT: 'disconnect' };
  private readonly listeners = new Map<string, ((event: { payload: unknown }) => void)[]>();
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  readonly resolved: string[] = [];
  /** What happened to offsets and the group, in order: `commit <offsets>` for an explicit commit, `commit-if-due`, `disconnect`. */
  readonly log: string[] = [];
  /** The highest offset committed explicitly. */
  private committedUpTo?: string;
  running = true;
  heartbeatFails = false;

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
    this.log.push('disconnect');
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
      heartbeat: async () => {
        if (this.heartbeatFails) throw new Error('The group is rebalancing, so a rejoin is needed');
      },
      // As kafkajs: explicit offsets are committed at once; none, only once its interval has passed (not modelled here).
      commitOffsetsIfNecessary: async (offsets?: { topics: { partitions: { offset: string }[] }[] }) => {
        if (!offsets) return void this.log.push('commit-if-due');
        const upTo = offsets.topics.flatMap((topic) => topic.partitions.map((p) => p.offset)).join(',');
        if (upTo !== '') this.log.push(`commit ${upTo}`);
        this.committedUpTo = this.resolved.at(-1);
      },
      uncommittedOffsets: () => {
        const last = this.resolved.at(-1);
        return { topics: last === undefined || last === this.committedUpTo ? [] : [{ topic: TOPIC, partitions: [{ partition, offset: last }] }] };
      },
      isRunning: () => this.running,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  }
}

async function lagOf(partition: number): Promise<number | undefined> {
  const metric = await serviceMetrics.getSingleMetric('kirim_kafka_consumer_lag_messages')?.get();
  return metric?.values.find((value) => value.labels.topic === TOPIC && value.labels.partition === String(partition))?.value;
}

async function started(
  transactionSize: number,
  afterChunk: (consumer: FakeConsumer) => void | Promise<void> = () => undefined,
): Promise<{ consumer: FakeConsumer; transport: KafkaBatchTransport; processed: string[][] }> {
  const consumer = new FakeConsumer();
  const processed: string[][] = [];
  const processor = {
    process: async (chunks: readonly ConsumedChunk[]) => {
      processed.push(chunks.flatMap((chunk) => chunk.messages.map((message) => `${chunk.partition}@${message.offset}`)));
      await afterChunk(consumer);
    },
  };
  const transport = new KafkaBatchTransport(
    { consumer: () => consumer as unknown as Consumer } as unknown as Kafka,
    { groupId: 'kirim.test', topics: [TOPIC], partitionsConsumedConcurrently: 1, transactionSize, offsetCommitIntervalMs: 1000, topicPrefix: '' },
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

  it('reports a batch as behind from when it arrives, not only once its first chunk is applied', async () => {
    // What a scrape sees while each chunk is being applied.
    const whileApplying: Array<number | undefined> = [];
    const { consumer, transport } = await started(2, async () => {
      whileApplying.push(await lagOf(3));
    });
    // Fetched when the partition held offsets up to 19: 10 waiting from offset 10 (this batch and 5 more).
    await consumer.deliver(3, ['10', '11', '12', '13', '14'], '20');
    expect(whileApplying).toEqual([10, 8, 6]);
    expect(await lagOf(3)).toBe(5);
    await transport.close();
  });

  it('reports each partition behind the broker as of the last chunk handled, falling as chunks commit', async () => {
    const { consumer, transport, processed } = await started(2);
    await consumer.deliver(0, ['10', '11', '12'], '20');
    expect(processed).toEqual([['0@10', '0@11'], ['0@12']]);
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

describe('KafkaBatchTransport offset commits', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => jest.useRealTimers());

  it('asks kafkajs to commit only when due after each chunk, and commits what was handled once the interval has passed', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const { consumer, transport } = await started(2);
    await consumer.deliver(0, ['10', '11', '12'], '20');
    await consumer.deliver(0, ['13'], '20');
    // No OffsetCommit per batch: kafkajs decides by the interval (autoCommitInterval), nothing is forced.
    expect(consumer.log).toEqual(['commit-if-due', 'commit-if-due', 'commit-if-due']);

    await jest.advanceTimersByTimeAsync(999);
    expect(consumer.log).not.toContain('commit 13');
    await jest.advanceTimersByTimeAsync(1);
    expect(consumer.log.filter((entry) => entry.startsWith('commit '))).toEqual(['commit 13']);

    // Nothing new handled: the next tick commits nothing.
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumer.log.filter((entry) => entry.startsWith('commit '))).toEqual(['commit 13']);
    await transport.close();
  });

  it('commits what was handled when it stops, before it leaves the group', async () => {
    const { consumer, transport } = await started(10);
    await consumer.deliver(0, ['5', '6'], '7');
    await transport.close();
    expect(consumer.log.slice(-2)).toEqual(['commit 6', 'disconnect']);
  });

  it('commits the chunk it finishes while kafkajs is stopping it, without waiting for the interval, and handles no more', async () => {
    // kafkajs stops the runner while the first chunk is being applied, then waits for the batch in hand.
    const { consumer, transport, processed } = await started(1, (fake) => {
      fake.running = false;
    });
    await consumer.deliver(0, ['40', '41'], '42');
    expect(processed).toEqual([['0@40']]);
    expect(consumer.log).toEqual(['commit 40']);
    await transport.close();
  });

  it('commits what was handled before giving up the partitions to a rebalance, then lets kafkajs rejoin', async () => {
    const { consumer, transport } = await started(10);
    consumer.heartbeatFails = true;
    await expect(consumer.deliver(3, ['8'], '9')).rejects.toThrow(/rebalancing/);
    expect(consumer.log).toEqual(['commit-if-due', 'commit 8']);
    consumer.heartbeatFails = false;
    await transport.close();
  });
});

describe('KafkaBatchTransport applying several partitions together', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('applies the chunks kafkajs hands over for several partitions at once in one transaction, each partition in order', async () => {
    const { consumer, transport, processed } = await started(3);
    await Promise.all([consumer.deliver(1, ['7'], '8'), consumer.deliver(2, ['3'], '4')]);
    expect(processed).toEqual([['1@7', '2@3']]);

    processed.length = 0;
    await Promise.all([consumer.deliver(0, ['10', '11', '12', '13'], '14'), consumer.deliver(1, ['8'], '9'), consumer.deliver(2, ['4'], '5')]);
    // Partition 0's first chunk fills a transaction (size 3); partitions 1 and 2, waiting meanwhile,
    // share the next; partition 0's second chunk is handed over only once its first has committed.
    expect(processed).toEqual([['0@10', '0@11', '0@12'], ['1@8', '2@4'], ['0@13']]);
    expect(consumer.resolved).toEqual(expect.arrayContaining(['12', '13', '8', '4']));
    await transport.close();
  });

  it('resolves no offset of any partition whose chunk was in a transaction that failed', async () => {
    const { consumer, transport } = await started(10, () => {
      throw new Error('the database went away');
    });
    const deliveries = [consumer.deliver(0, ['10'], '11'), consumer.deliver(1, ['20'], '21')];
    await expect(deliveries[0]).rejects.toThrow('the database went away');
    await expect(deliveries[1]).rejects.toThrow('the database went away');
    expect(consumer.resolved).toEqual([]);
    await transport.close();
  });
});
