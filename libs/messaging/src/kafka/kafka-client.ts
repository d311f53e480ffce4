import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { Kafka, KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { ConfigError, kafkaBrokers } from '@kirim/platform';
import type { KafkaSaslMechanism, MessagingConfig } from '../messaging.config';

/** kafkajs logs routed to Nest's logger (and so to pino), at warn and above. */
function kafkaLogCreator(): (entry: LogEntry) => void {
  const logger = new Logger('kafkajs');
  return ({ level, log }) => {
    const { message, ...extra } = log;
    const line = `${message} ${JSON.stringify(extra)}`;
    if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
  };
}

/** How a service reaches the brokers and who it is there. */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly sasl: { readonly mechanism: KafkaSaslMechanism; readonly username: string; readonly password: string };
  /** false: plaintext (the local broker, on loopback). Otherwise TLS, trusting `ca` (PEM) or, without it, the system's CAs. */
  readonly tls: false | { readonly ca?: string };
}

/**
 * The connection from validated config. Reads KAFKA_TLS_CA_FILE now, at boot, so a missing or
 * unreadable CA stops the service with the variable's name rather than failing every connect later.
 */
export function kafkaConnectionOf(config: MessagingConfig, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): KafkaConnection {
  const sasl = { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD };
  if (!config.KAFKA_TLS) {
    if (config.KAFKA_TLS_CA_FILE !== undefined) throw new ConfigError(['KAFKA_TLS_CA_FILE is set but KAFKA_TLS is not true']);
    return { brokers: kafkaBrokers(config), sasl, tls: false };
  }
  if (config.KAFKA_TLS_CA_FILE === undefined) return { brokers: kafkaBrokers(config), sasl, tls: {} };
  let ca: string;
  try {
    ca = readFile(config.KAFKA_TLS_CA_FILE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`KAFKA_TLS_CA_FILE cannot be read (${code})`]);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(['KAFKA_TLS_CA_FILE must hold a PEM certificate']);
  return { brokers: kafkaBrokers(config), sasl, tls: { ca } };
}

function saslOptionsOf({ mechanism, username, password }: KafkaConnection['sasl']): SASLOptions {
  switch (mechanism) {
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}

export function createKafkaClient(clientId: string, connection: KafkaConnection): Kafka {
  const ssl: KafkaConfig['ssl'] = connection.tls === false ? false : connection.tls.ca === undefined ? true : { ca: [connection.tls.ca] };
  return new Kafka({
    clientId,
    brokers: [...connection.brokers],
    ssl,
    sasl: saslOptionsOf(connection.sasl),
    logLevel: logLevel.WARN,
    logCreator: () => kafkaLogCreator(),
    connectionTimeout: 3000,
    // SCRAM's key derivation and the extra round trips make a first connection slower than plaintext.
    authenticationTimeout: 10000,
    requestTimeout: 30000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
  });
}
