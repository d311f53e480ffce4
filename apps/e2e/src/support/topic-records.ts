import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { OBSERVER_GROUP_PREFIX, OBSERVER_PRINCIPAL, topicCatalogueWithPartners } from '@kirim/contracts';
import { testKafkaSasl } from '@kirim/testing';
import { kafkaBrokers, partnerBankCodes } from './config';

/** One record as an auditor reads it: where it is, its CloudEvents type, and all of it as text. */
export interface AuditedRecord {
  readonly where: string;
  readonly type: string;
  /** Key, value and every header value, one per line. */
  readonly text: string;
}

/**
 * Every record on every topic of the catalogue (partners' and dead letters included), read from the
 * beginning to the end offsets seen at the start, as the observer principal: for the audits that run
 * after a test run. Rejects if the topics cannot be read to their end within `timeoutMs`.
 */
export async function readEveryRecord(onRecord: (record: AuditedRecord) => void, timeoutMs = 120_000): Promise<number> {
  const topics = topicCatalogueWithPartners(partnerBankCodes()).map((topic) => topic.name);
  const kafka = new Kafka({ clientId: `kirim-audit-${randomUUID().slice(0, 8)}`, brokers: kafkaBrokers(), sasl: testKafkaSasl(OBSERVER_PRINCIPAL), logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const entry of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(entry.high) > BigInt(entry.low)) remaining.set(`${topic}/${entry.partition}`, BigInt(entry.high));
      }
    }
  } finally {
    await admin.disconnect();
  }

  let records = 0;
  const consumer = kafka.consumer({ groupId: `${OBSERVER_GROUP_PREFIX}audit-${randomUUID()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    if (remaining.size === 0) resolve();
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const key = `${topic}/${partition}`;
        const end = remaining.get(key);
        // Records written after the audit began are not part of the run being audited.
        if (end === undefined || BigInt(message.offset) >= end) return;
        records += 1;
        const parts = [message.key?.toString('utf8') ?? '', message.value?.toString('utf8') ?? '', ...Object.values(message.headers ?? {}).map((value) => String(value))];
        onRecord({ where: `${key}@${message.offset}`, type: message.headers?.['ce_type']?.toString() ?? '', text: parts.join('\n') });
        if (BigInt(message.offset) + 1n >= end) remaining.delete(key);
        if (remaining.size === 0) resolve();
      },
    });
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      done,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`topics not read to their end within ${timeoutMs} ms: ${[...remaining.keys()].join(', ')}`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return records;
}
