import { randomUUID } from 'node:crypto';
import { Admin, Consumer, IHeaders, Kafka, logLevel, Message, Partitioners, Producer, RecordMetadata } from 'kafkajs';
import { CE_HEADERS } from '@kirim/contracts';
import { kafkaBrokers } from './config';

/**
 * kirim's Kafka as an outside client sees it: produce raw records (anything, including garbage) and
 * watch topics from "now" with a fresh consumer group, so the services' own groups are never touched.
 */

/** One consumed record, with its raw parts kept so it can be produced again byte for byte. */
export interface ObservedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly timestamp: string;
}

export function keyText(record: ObservedRecord): string | undefined {
  return record.key?.toString('utf8');
}

/** A header as text (the first value when repeated). */
export function headerText(record: { headers?: IHeaders }, name: string): string | undefined {
  const raw = record.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

export function ceType(record: ObservedRecord): string | undefined {
  return headerText(record, CE_HEADERS.TYPE);
}

/** The record value parsed as JSON, or undefined when it is not JSON. */
export function jsonValue<T = Record<string, unknown>>(record: ObservedRecord): T | undefined {
  if (!record.value) return undefined;
  try {
    return JSON.parse(record.value.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The same record again: same key, value and headers (so the same ce_id), for redelivery tests. */
export function exactCopy(record: ObservedRecord): Message {
  return { key: record.key, value: record.value, headers: record.headers };
}

export interface TopicWatch {
  /** Everything seen so far, in arrival order, without duplicates. */
  readonly records: readonly ObservedRecord[];
  stop(): Promise<void>;
}

export interface WatchOptions {
  /** Called for every new record as it arrives (the bench uses it to time completions). */
  readonly onRecord?: (record: ObservedRecord) => void;
}

export class KafkaClient {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private readonly consumers = new Set<Consumer>();

  constructor(brokers: string[] = kafkaBrokers(), clientId = 'kirim-outside-client') {
    this.kafka = new Kafka({ clientId, brokers, logLevel: logLevel.WARN });
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      // Not idempotent on purpose: we want exactly what we pass, nothing the client adds.
      // The default (Java-compatible murmur2) partitioner, as the services' producers use.
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  async partitionsOf(topic: string): Promise<number[]> {
    const offsets = await (await this.connectedAdmin()).fetchTopicOffsets(topic);
    return offsets.map((entry) => entry.partition).sort((a, b) => a - b);
  }

  /** Produces records exactly as given (set `partition` on a message to aim at one partition). */
  async produce(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    return (await this.connectedProducer()).send({ topic, acks: -1, messages });
  }

  /** A consumer group's committed offsets on `topic` (the NEXT offset it will read), by partition. */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const [entry] = await (await this.connectedAdmin()).fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((partition) => [partition.partition, BigInt(partition.offset)]));
  }

  /**
   * Starts watching `topics` from their current ends: the high watermarks are read BEFORE the
   * consumer starts, and the consumer is sought there, so nothing produced after this call returns
   * can be missed (a fresh group's "latest" would be resolved later, at its first fetch).
   */
  async watch(topics: string[], options: WatchOptions = {}): Promise<TopicWatch> {
    const admin = await this.connectedAdmin();
    const starts: { topic: string; partition: number; offset: string }[] = [];
    for (const topic of topics) {
      for (const entry of await admin.fetchTopicOffsets(topic)) starts.push({ topic, partition: entry.partition, offset: entry.high });
    }

    const consumer = this.kafka.consumer({ groupId: `kirim-outside-watch-${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    this.consumers.add(consumer);
    const records: ObservedRecord[] = [];
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    await consumer.run({
      // Read-only observer: commit nothing, so the throw-away group leaves no offsets behind.
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        // A seek applied after a first fetch can deliver a record twice; keep each once.
        const id = `${topic}/${partition}@${message.offset}`;
        if (seen.has(id)) return;
        seen.add(id);
        const record: ObservedRecord = {
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
          timestamp: message.timestamp,
        };
        records.push(record);
        options.onRecord?.(record);
      },
    });
    for (const start of starts) consumer.seek(start);
    await withTimeout(joined, 30_000, `the watch consumer did not join its group within 30 s (topics ${topics.join(', ')})`);

    const clients = this.consumers;
    return {
      records,
      async stop(): Promise<void> {
        clients.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async disconnect(): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    this.producer = undefined;
    this.admin = undefined;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
