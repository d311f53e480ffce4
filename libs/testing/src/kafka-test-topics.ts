import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_CATALOGUE } from '@kirim/contracts';
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
    await admin.createTopics({
      waitForLeaders: true,
      topics: TOPIC_CATALOGUE.map((topic) => ({ topic: prefix + topic.name, numPartitions: topic.partitions, replicationFactor: 1 })),
    });
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
