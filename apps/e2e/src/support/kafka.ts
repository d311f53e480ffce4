import { randomUUID } from 'node:crypto';
import { Admin, Consumer, IHeaders, Kafka, logLevel, Message, Partitioners, Producer, RecordMetadata } from 'kafkajs';
import { CE_HEADERS, kafkaAccessDeclaration, KafkaAccess, OBSERVER_GROUP_PREFIX, OBSERVER_PRINCIPAL } from '@kirim/contracts';
import { readKafkaPassword } from '@kirim/testing';
import { kafkaBrokers, partnerBankCodes } from './config';

/**
 * kirim's Kafka as an outside client sees it: produce raw records (anything, including garbage) and
 * watch topics from "now" with a fresh consumer group, so the services' own groups are never touched.
 *
 * The broker authenticates every client and its ACLs give each principal only its own topics
 * (docs/kafka-security.md), so the client connects under the principal each action needs, with the
 * password deploy/local/provision-kafka.ts wrote under .local/keys/kafka:
 * - watching and reading metadata: `observer` (reads every topic, writes none; groups under its prefix);
 * - producing: the topic's owner, the one principal the declaration lets write it (payments for
 *   bank.requests.v1 and payments.events.v1, bank-connector for bank.responses.v1) — tests inject
 *   records as the service that could have written them;
 * - a consumer group's offsets: the principal that reads with that group.
 * A client made for a named principal (`new KafkaClient({ principal: 'notifications' })`) does all
 * of these as that principal, e.g. to see the broker refuse it.
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

export interface KafkaClientOptions {
  /** Connect as this principal for everything; unset: observer to watch, each topic's owner to produce. */
  readonly principal?: string;
  readonly clientId?: string;
  readonly brokers?: string[];
}

export class KafkaClient {
  private readonly brokers: string[];
  private readonly clientId: string;
  private readonly principal: string | undefined;
  private readonly clients = new Map<string, Kafka>();
  private readonly producers = new Map<string, Producer>();
  private readonly admins = new Map<string, Admin>();
  private readonly consumers = new Set<Consumer>();
  private declaration: KafkaAccess[] | undefined;

  /** `new KafkaClient({ principal, clientId, brokers })`; the older `(brokers, clientId)` form still works. */
  constructor(options: KafkaClientOptions | string[] = {}, clientId?: string) {
    const resolved: KafkaClientOptions = Array.isArray(options) ? { brokers: options, clientId } : { ...options, clientId: options.clientId ?? clientId };
    this.brokers = resolved.brokers ?? kafkaBrokers();
    this.clientId = resolved.clientId ?? 'kirim-outside-client';
    this.principal = resolved.principal;
  }

  private kafkaAs(principal: string): Kafka {
    let kafka = this.clients.get(principal);
    if (!kafka) {
      kafka = new Kafka({
        clientId: `${this.clientId}-${principal}`,
        brokers: this.brokers,
        sasl: { mechanism: 'scram-sha-512', username: principal, password: readKafkaPassword(principal) },
        logLevel: logLevel.WARN,
      });
      this.clients.set(principal, kafka);
    }
    return kafka;
  }

  private access(): KafkaAccess[] {
    this.declaration ??= kafkaAccessDeclaration(partnerBankCodes());
    return this.declaration;
  }

  /** Who produces to `topic`: the named principal, else the one the declaration lets write it. */
  private producerPrincipalOf(topic: string): string {
    if (this.principal) return this.principal;
    const writers = this.access().filter((access) => access.principal !== OBSERVER_PRINCIPAL && access.writes.includes(topic));
    if (writers.length !== 1) throw new Error(`no single owner may write ${topic} (${writers.map((w) => w.principal).join(', ') || 'none'}): name a principal`);
    return writers[0].principal;
  }

  /** Who may read `groupId`'s offsets: the named principal, else the one that consumes with that group. */
  private groupPrincipalOf(groupId: string): string {
    if (this.principal) return this.principal;
    const member = this.access().find((access) => access.groups.some((group) => group.patternType === 'LITERAL' && group.name === groupId));
    return member?.principal ?? OBSERVER_PRINCIPAL;
  }

  private async connectedAdmin(principal: string = this.principal ?? OBSERVER_PRINCIPAL): Promise<Admin> {
    let admin = this.admins.get(principal);
    if (!admin) {
      admin = this.kafkaAs(principal).admin();
      await admin.connect();
      this.admins.set(principal, admin);
    }
    return admin;
  }

  private async connectedProducer(principal: string): Promise<Producer> {
    let producer = this.producers.get(principal);
    if (!producer) {
      // Not idempotent on purpose: we want exactly what we pass, nothing the client adds.
      // The default (Java-compatible murmur2) partitioner, as the services' producers use.
      producer = this.kafkaAs(principal).producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      this.producers.set(principal, producer);
    }
    return producer;
  }

  async partitionsOf(topic: string): Promise<number[]> {
    const offsets = await (await this.connectedAdmin()).fetchTopicOffsets(topic);
    return offsets.map((entry) => entry.partition).sort((a, b) => a - b);
  }

  /** Produces records exactly as given (set `partition` on a message to aim at one partition), as the topic's owner. */
  async produce(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    return (await this.connectedProducer(this.producerPrincipalOf(topic))).send({ topic, acks: -1, messages });
  }

  /** A consumer group's committed offsets on `topic` (the NEXT offset it will read), by partition. */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const [entry] = await (await this.connectedAdmin(this.groupPrincipalOf(groupId))).fetchOffsets({ groupId, topics: [topic] });
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

    // The observer may only use groups under its prefix (and so can never join a service's group).
    const consumer = this.kafkaAs(this.principal ?? OBSERVER_PRINCIPAL).consumer({ groupId: `${OBSERVER_GROUP_PREFIX}watch-${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
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
    const producers = [...this.producers.values()];
    const admins = [...this.admins.values()];
    this.producers.clear();
    this.admins.clear();
    await Promise.all([...producers, ...admins].map((client) => client.disconnect()));
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
