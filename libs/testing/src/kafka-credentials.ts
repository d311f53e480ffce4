import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SASLOptions } from 'kafkajs';
import { ADMIN_PRINCIPAL } from '@kirim/contracts';

/**
 * The local broker's credentials as tests and tools see them. The broker authenticates every client
 * (SASL/SCRAM-SHA-512, docs/kafka-security.md); deploy/local/kafka/kafka.sh makes the admin password
 * and deploy/local/provision-kafka.ts the others, one file per principal under
 * `$KIRIM_HOME/keys/kafka/<principal>.password`.
 */

/** The repository root, from this file (libs/testing/src). */
const REPO_ROOT = resolve(__dirname, '../../..');

/** Where the local stack keeps its passwords; the same default as scripts/lib.sh. */
export function kafkaPasswordDir(): string {
  return join(process.env.KIRIM_HOME ?? join(REPO_ROOT, '.local'), 'keys', 'kafka');
}

/**
 * A principal's password: for admin `KAFKA_ADMIN_PASSWORD` when set (CI with a broker of its own),
 * else the file the local scripts wrote. The error names the file, never a password.
 */
export function readKafkaPassword(principal: string): string {
  if (principal === ADMIN_PRINCIPAL) {
    const fromEnv = process.env.KAFKA_ADMIN_PASSWORD?.trim();
    if (fromEnv) return fromEnv;
  }
  const file = join(kafkaPasswordDir(), `${principal}.password`);
  if (!existsSync(file)) {
    const maker = principal === ADMIN_PRINCIPAL ? 'deploy/local/kafka/kafka.sh start' : 'node -r ./tools/ts-register.cjs deploy/local/provision-kafka.ts';
    throw new Error(`no Kafka password for ${principal}: ${file} is missing (${maker} writes it${principal === ADMIN_PRINCIPAL ? '; or set KAFKA_ADMIN_PASSWORD' : ''})`);
  }
  const password = readFileSync(file, 'utf8').trim();
  if (!password) throw new Error(`no Kafka password for ${principal}: ${file} is empty`);
  return password;
}

export function testKafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

/** SASL options for kafkajs, as `principal` (admin unless told). */
export function testKafkaSasl(principal: string = ADMIN_PRINCIPAL): SASLOptions {
  return { mechanism: 'scram-sha-512', username: principal, password: readKafkaPassword(principal) };
}

/**
 * Brokers and SASL for a test's own kafkajs client. Integration tests connect as admin, a super
 * user: their topics carry a random prefix, which the declared (literal) ACLs do not cover.
 */
export function testKafkaClientConfig(principal: string = ADMIN_PRINCIPAL): { brokers: string[]; sasl: SASLOptions } {
  return { brokers: testKafkaBrokers(), sasl: testKafkaSasl(principal) };
}

/** The variables MessagingConfig reads, for a Nest module under test (assign them to process.env). */
export function testKafkaEnv(principal: string = ADMIN_PRINCIPAL): Record<string, string> {
  return {
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD: readKafkaPassword(principal),
  };
}
