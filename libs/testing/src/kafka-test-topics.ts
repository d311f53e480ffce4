import { randomBytes } from 'node:crypto';
import { Admin, ITopicConfig, Kafka, logLevel } from 'kafkajs';
import { TOPIC_CATALOGUE } from '@kirim/contracts';
import { eventually } from './eventually';
import { testKafkaClientConfig } from './kafka-credentials';

/**
 * Creates the whole topic catalogue under a fresh prefix on the real broker, so one test file's
 * records never meet another's or a running stack's. Returns the prefix, a client connected as
 * admin (the declared ACLs name unprefixed topics only) and a cleanup.
 */
export async function createPrefixedTopics(label: string): Promise<{ prefix: string; kafka: Kafka; deleteTopics(): Promise<void> }> {
  const prefix = `it-${label}-${randomBytes(3).toString('hex')}.`;
  const kafka = new Kafka({ clientId: `it-${label}`, ...testKafkaClientConfig(), logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicsWithLeaders(
      admin,
      TOPIC_CATALOGUE.map((topic) => ({ topic: prefix + topic.name, numPartitions: topic.partitions, replicationFactor: 1 })),
    );
  } finally {
    await admin.disconnect();
  }
  return {
    prefix,
    kafka,
    async deleteTopics(): Promise<void> {
      const cleanup = kafka.admin();
      await cleanup.connect();
      try {
        await cleanup.deleteTopics({ topics: TOPIC_CATALOGUE.map((topic) => prefix + topic.name) });
      } finally {
        await cleanup.disconnect();
      }
    },
  };
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs' own wait
 * (`waitForLeaders`) gives up on the "does not host this topic-partition" a broker answers in its
 * first seconds after a fresh start (CI starts one), so the wait polls the metadata instead.
 */
export async function createTopicsWithLeaders(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  await admin.createTopics({ waitForLeaders: false, topics });
  const names = topics.map((topic) => topic.topic);
  await eventually(
    async () => {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: names });
      const leaderless = described.flatMap((topic) => topic.partitions.filter((partition) => partition.leader < 0).map((partition) => `${topic.name}/${partition.partitionId}`));
      if (described.length !== names.length || leaderless.length > 0) throw new Error(`topics without leaders yet: ${leaderless.join(', ') || 'metadata incomplete'}`);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}
