import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { CE_HEADERS, EVENT_TYPES, OBSERVER_GROUP_PREFIX, OBSERVER_PRINCIPAL, TOPICS } from '@kirim/contracts';
import { readKafkaPassword } from '@kirim/testing';
import { kafkaBrokers } from '../../apps/e2e/src/support/config';
import { errorText, sleep, withTimeout } from './task-pool';

/**
 * When the bench first saw each payment's final lifecycle event (completed, failed, reversed) on
 * payments.events.v1, for latency figures only: the run's verdict never depends on it
 * (run-verdict.ts reads the API and the ledger).
 *
 * It must ride out a broker restart, as the services do:
 * - its consumer group commits its offsets (the seek to the topic's end at start included), so a
 *   consumer that restarts resumes where it was instead of at "latest", which would skip every
 *   event published while the broker was away. It commits once a second, not after every fetched
 *   batch as kafkajs's autoCommit does: at a steady rate that was an OffsetCommit per payment or
 *   more, broker work the bench then counted as kirim's. A new consumer reads again what came after
 *   the last commit, and `seen` drops what it had;
 * - kafkajs restarts a consumer after retriable errors by itself; after any other crash (its CRASH
 *   event says restart: false) the watch makes a new consumer in the same group, until it joins.
 * The group is the observer's (reads every topic, writes none) and left behind with the run's id.
 */

/** How often the watch commits where it has read to. */
const COMMIT_INTERVAL_MS = 1_000;

const FINAL_EVENT_TYPES: ReadonlySet<string> = new Set([EVENT_TYPES.PAYMENT_COMPLETED, EVENT_TYPES.PAYMENT_FAILED, EVENT_TYPES.PAYMENT_REVERSED]);

export interface CompletionWatchStats {
  /** Final events seen (one per payment). */
  readonly finalEventsSeen: number;
  /** Consumer crashes, whether kafkajs restarted the consumer or the watch made a new one. */
  readonly crashes: number;
  /** New consumers the watch made after kafkajs gave one up. */
  readonly replacedConsumers: number;
}

export class CompletionWatch {
  private readonly kafka: Kafka;
  private readonly groupId = `${OBSERVER_GROUP_PREFIX}bench-${randomUUID()}`;
  /** paymentId -> performance.now() when its final event arrived; Date.now() alongside. */
  private readonly seen = new Map<string, { readonly at: number; readonly wallAt: number }>();
  private consumer: Consumer | undefined;
  private stopping = false;
  private crashes = 0;
  private replacedConsumers = 0;
  private replacing: Promise<void> | undefined;
  /** The next offset to read, by partition, handled but not yet committed. */
  private readonly handled = new Map<number, string>();
  private commitTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly log: (message: string) => void,
    private readonly onFinal: (paymentId: string) => void,
  ) {
    this.kafka = new Kafka({
      clientId: 'kirim-bench',
      brokers: kafkaBrokers(),
      sasl: { mechanism: 'scram-sha-512', username: OBSERVER_PRINCIPAL, password: readKafkaPassword(OBSERVER_PRINCIPAL) },
      // kafkajs logs every retry while the broker is away; the watch reports crashes itself.
      logLevel: logLevel.NOTHING,
    });
  }

  /** Starts reading from the topic's current end; resolves once the consumer has joined its group. */
  static async start(log: (message: string) => void, onFinal: (paymentId: string) => void = () => undefined): Promise<CompletionWatch> {
    const watch = new CompletionWatch(log, onFinal);
    const admin = watch.kafka.admin();
    await admin.connect();
    let ends: { partition: number; offset: string }[];
    try {
      ends = (await admin.fetchTopicOffsets(TOPICS.PAYMENTS_EVENTS)).map((entry) => ({ partition: entry.partition, offset: entry.high }));
    } finally {
      await admin.disconnect();
    }
    // The end is read before the consumer starts and sought (and so committed) once it has joined:
    // nothing published after start() returns can be missed.
    await withTimeout(watch.startConsumer(ends), 60_000, 'the completion watch joining its group');
    return watch;
  }

  /** performance.now() at which the payment's final event was first seen. */
  finalSeenAt(paymentId: string): number | undefined {
    return this.seen.get(paymentId)?.at;
  }

  /** Epoch ms at which the payment's final event was first seen. */
  finalSeenWallAt(paymentId: string): number | undefined {
    return this.seen.get(paymentId)?.wallAt;
  }

  get stats(): CompletionWatchStats {
    return { finalEventsSeen: this.seen.size, crashes: this.crashes, replacedConsumers: this.replacedConsumers };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.commitTimer) clearInterval(this.commitTimer);
    await this.replacing?.catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async startConsumer(seekTo?: { partition: number; offset: string }[]): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashes++;
      if (this.stopping) return;
      this.log(`completion watch: consumer crashed (${payload.error.name}: ${payload.error.message}); ${payload.restart ? 'kafkajs restarts it' : 'replacing it'}`);
      if (!payload.restart) this.replaceConsumer();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.PAYMENTS_EVENTS], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.handled.set(partition, (BigInt(message.offset) + 1n).toString());
        const type = message.headers?.[CE_HEADERS.TYPE];
        const typeText = Buffer.isBuffer(type) ? type.toString('utf8') : Array.isArray(type) ? String(type[0]) : String(type ?? '');
        const paymentId = message.key?.toString('utf8');
        if (!paymentId || !FINAL_EVENT_TYPES.has(typeText) || this.seen.has(paymentId)) return;
        this.seen.set(paymentId, { at: performance.now(), wallAt: Date.now() });
        this.onFinal(paymentId);
      },
    });
    for (const end of seekTo ?? []) {
      consumer.seek({ topic: TOPICS.PAYMENTS_EVENTS, partition: end.partition, offset: end.offset });
      this.handled.set(end.partition, end.offset);
    }
    await joined;
    await this.commitHandled();
    this.commitTimer ??= setInterval(() => void this.commitHandled(), COMMIT_INTERVAL_MS);
    this.commitTimer.unref();
  }

  /** Commits where each partition's reading has got to; what fails to commit is tried again next time. */
  private async commitHandled(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || this.handled.size === 0) return;
    const offsets = [...this.handled].map(([partition, offset]) => ({ topic: TOPICS.PAYMENTS_EVENTS, partition, offset }));
    this.handled.clear();
    try {
      await consumer.commitOffsets(offsets);
    } catch {
      // Not committed (a rebalance, the broker away): kept for the next try unless reading moved on.
      for (const { partition, offset } of offsets) if (!this.handled.has(partition)) this.handled.set(partition, offset);
    }
  }

  /** A new consumer in the same group (its committed offsets say where to go on), retried until it joins. */
  private replaceConsumer(): void {
    if (this.replacing) return;
    this.replacing = (async () => {
      for (let attempt = 1; !this.stopping; attempt++) {
        await this.consumer?.disconnect().catch(() => undefined);
        try {
          await withTimeout(this.startConsumer(), 60_000, 'a replacement consumer joining its group');
          this.replacedConsumers++;
          this.log(`completion watch: replacement consumer joined (attempt ${attempt})`);
          return;
        } catch (error) {
          this.log(`completion watch: replacement consumer failed (${errorText(error)}); trying again`);
          await sleep(Math.min(10_000, 1000 * attempt));
        }
      }
    })().finally(() => {
      this.replacing = undefined;
    });
  }
}
