import { performance } from 'node:perf_hooks';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { headersAsText } from '../consumer/partner-request-consumer';

/** One record read from the bank's response topic, with when it arrived (performance.now()). */
export interface ReceivedAnswer {
  readonly receivedAt: number;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly value: Buffer | null;
  /** The value parsed as JSON, or undefined when it is not JSON. */
  readonly payload: unknown;
}

/**
 * Reads the bank's response topic with a throw-away consumer group, from the end of each partition
 * as it was before any request was sent, and keeps every record so the cases can look for theirs.
 */
export class AnswerInbox {
  private readonly received: ReceivedAnswer[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    readonly groupId: string,
  ) {}

  static async open(kafka: Kafka, topic: string, groupId: string, joinTimeoutMs = 30_000): Promise<AnswerInbox> {
    const admin = kafka.admin();
    await admin.connect();
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, sessionTimeout: 10000, heartbeatInterval: 1000 });
    const inbox = new AnswerInbox(consumer, admin, groupId);
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const joined = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the response consumer did not join its group within ${joinTimeoutMs} ms`)), joinTimeoutMs);
        consumer.on(consumer.events.GROUP_JOIN, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        eachMessage: async ({ message }) => {
          let payload: unknown;
          try {
            payload = message.value ? JSON.parse(message.value.toString('utf8')) : undefined;
          } catch {
            payload = undefined;
          }
          inbox.received.push({ receivedAt: performance.now(), key: message.key?.toString('utf8') ?? null, headers: headersAsText(message.headers), value: message.value, payload });
          for (const wake of inbox.waiters) wake();
        },
      });
      // Only answers to this run matter: start from where each partition ended before it.
      for (const end of ends) consumer.seek({ topic, partition: end.partition, offset: end.high });
      await joined;
    } catch (error) {
      await inbox.close();
      throw error;
    }
    return inbox;
  }

  /** Every record so far that `matches`. */
  all(matches: (answer: ReceivedAnswer) => boolean): ReceivedAnswer[] {
    return this.received.filter(matches);
  }

  /** The first record that `matches`, waiting for it until `deadline` (performance.now() time); undefined if none came. */
  async first(matches: (answer: ReceivedAnswer) => boolean, deadline: number): Promise<ReceivedAnswer | undefined> {
    for (;;) {
      const found = this.received.find(matches);
      if (found) return found;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
    }
  }

  async close(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    // The group served one run; remove it so runs do not pile up groups on the broker.
    await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
