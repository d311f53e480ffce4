import type { ConnectionOptions } from 'node:tls';
import { KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import type { PartnerLogger } from '../logging/partner-logger';

/** SASL mechanisms kirim's brokers offer: SCRAM only (PLAIN would send the password itself). */
export const PARTNER_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256'] as const;
export type PartnerSaslMechanism = (typeof PARTNER_SASL_MECHANISMS)[number];

export interface PartnerSaslCredentials {
  readonly mechanism: PartnerSaslMechanism;
  /** The bank's Kafka user, `partner-<code>` on kirim's brokers. */
  readonly username: string;
  readonly password: string;
}

/** How the kit reaches kirim's brokers. Every field comes from the caller; the kit reads no environment. */
export interface PartnerKafkaConnection {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly sasl?: PartnerSaslCredentials;
  /** TLS to the brokers: `true` for the system CAs, or Node's TLS options (e.g. `{ ca }` with kirim's cluster CA). */
  readonly ssl?: boolean | ConnectionOptions;
}

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Problems with a connection, each naming the field; empty when it is usable. */
export function kafkaConnectionProblems(connection: PartnerKafkaConnection): string[] {
  const problems: string[] = [];
  if (connection.brokers.length === 0) problems.push('brokers: at least one host:port is needed');
  for (const broker of connection.brokers) if (!HOST_PORT.test(broker)) problems.push(`brokers: ${JSON.stringify(broker)} is not host:port`);
  if (connection.sasl) {
    if (!(PARTNER_SASL_MECHANISMS as readonly string[]).includes(connection.sasl.mechanism)) problems.push(`sasl.mechanism must be one of ${PARTNER_SASL_MECHANISMS.join(', ')}`);
    if (!connection.sasl.username) problems.push('sasl.username is empty');
    if (!connection.sasl.password) problems.push('sasl.password is empty');
  }
  return problems;
}

/** kafkajs' own log lines at warn and above, routed to the kit's logger. */
function kafkaLogCreator(logger: PartnerLogger): () => (entry: LogEntry) => void {
  return () =>
    ({ level, log }) => {
      const { message, broker, groupId, topic, error } = log as { message: string; broker?: string; groupId?: string; topic?: string; error?: string };
      const fields = { source: 'kafkajs', broker, groupId, topic, error };
      if (level === logLevel.ERROR) logger.error(message, fields);
      else if (level === logLevel.WARN) logger.warn(message, fields);
    };
}

/** The kafkajs client configuration for a connection. Throws, naming the field, on an unusable one. */
export function toKafkaConfig(connection: PartnerKafkaConnection, logger: PartnerLogger, defaultClientId: string): KafkaConfig {
  const problems = kafkaConnectionProblems(connection);
  if (problems.length > 0) throw new Error(`Kafka connection: ${problems.join('; ')}`);
  const sasl: SASLOptions | undefined = connection.sasl
    ? connection.sasl.mechanism === 'scram-sha-512'
      ? { mechanism: 'scram-sha-512', username: connection.sasl.username, password: connection.sasl.password }
      : { mechanism: 'scram-sha-256', username: connection.sasl.username, password: connection.sasl.password }
    : undefined;
  return {
    clientId: connection.clientId ?? defaultClientId,
    brokers: [...connection.brokers],
    ...(sasl ? { sasl } : {}),
    ...(connection.ssl !== undefined ? { ssl: connection.ssl } : {}),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10000 },
  };
}
