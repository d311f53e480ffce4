/**
 * Creates every topic of the catalogue (libs/contracts/src/topics.ts) on the local broker.
 * Auto-create is off on the broker, so this runs after `kafka.sh start` and before the services.
 *
 *   node -r ./tools/ts-register.cjs deploy/local/create-topics.ts
 *
 * Env: KAFKA_BROKERS (comma-separated, default 127.0.0.1:9092).
 * Idempotent: existing topics are kept; a topic with fewer partitions than the catalogue is grown
 * (partitions can only be added, never removed — more than the catalogue is reported and left alone).
 */
import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_CATALOGUE } from '@kirim/contracts';

async function main(): Promise<void> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const kafka = new Kafka({
    clientId: 'kirim-create-topics',
    brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 300 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = TOPIC_CATALOGUE.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })),
      });
      for (const t of missing) console.log(`created   ${t.name} (${t.partitions} partitions)`);
    }

    const present = TOPIC_CATALOGUE.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      const partitionsOf = new Map(topics.map((t) => [t.name, t.partitions.length]));
      const grow: { topic: string; count: number }[] = [];
      for (const t of present) {
        const have = partitionsOf.get(t.name) ?? 0;
        if (have < t.partitions) {
          grow.push({ topic: t.name, count: t.partitions });
          console.log(`grown     ${t.name} (${have} -> ${t.partitions} partitions)`);
        } else if (have > t.partitions) {
          console.log(`kept      ${t.name} (${have} partitions; catalogue says ${t.partitions}, cannot shrink)`);
        } else {
          console.log(`exists    ${t.name} (${have} partitions)`);
        }
      }
      if (grow.length > 0) await admin.createPartitions({ validateOnly: false, topicPartitions: grow });
    }
    console.log(`topics ready on ${brokers.join(',')}: ${TOPIC_CATALOGUE.length} in the catalogue`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error('create-topics failed:', err);
  process.exit(1);
});
