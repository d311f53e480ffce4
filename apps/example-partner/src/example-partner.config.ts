import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BANK_KEY_FILES, jwksLocationOf, JwksLocation, LOG_LEVELS, LogLevel, PARTNER_SASL_MECHANISMS, PartnerKafkaConnection, PartnerSaslMechanism } from '@kirim/partner-kit';

/** The example partner bank's settings, read once from the environment at boot. */
export interface ExamplePartnerConfig {
  readonly bankCode: string;
  readonly kafka: PartnerKafkaConnection;
  readonly topicPrefix: string;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly signingKeyFile: string;
  readonly encryptionKeyFile: string;
  readonly jwksFile: string;
  readonly pinVerificationKeysFile: string;
  readonly platformJwks: JwksLocation;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly adminToken: string;
  readonly freshness: { readonly maxAgeMs: number; readonly maxFutureSkewMs: number };
  readonly partitionsConsumedConcurrently: number;
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
}

/** Every variable with a problem, one line each, naming it (never echoing a secret's value). */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * Reads and validates the environment; throws ConfigError listing every bad variable at once.
 *
 * PARTNER_KEYS_DIR names the directory `npm run partner:keys` wrote; the four key files default to
 * its signing-key.pem, encryption-key.pem, jwks.json and pin-verification.keys, and each can be set
 * on its own instead.
 */
export function loadExamplePartnerConfig(env: Env): ExamplePartnerConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (name: string, what: string): string => {
    const value = text(name);
    if (value === undefined) problems.push(`${name} is required: ${what}`);
    return value ?? '';
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = text(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(value);
  };
  const flag = (name: string): boolean => {
    const value = text(name);
    if (value === undefined || value === 'false') return false;
    if (value === 'true') return true;
    problems.push(`${name} must be true or false`);
    return false;
  };

  const bankCode = text('PARTNER_BANK_CODE') ?? 'XMPL';
  if (!/^[A-Z]{4}$/.test(bankCode)) problems.push('PARTNER_BANK_CODE must be four capital letters, e.g. XMPL');

  const brokers = required('KAFKA_BROKERS', 'comma-separated host:port of kirim\'s brokers')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.some((broker) => !HOST_PORT.test(broker))) problems.push('KAFKA_BROKERS must be a comma-separated list of host:port');
  const username = text('KAFKA_SASL_USERNAME');
  const password = text('KAFKA_SASL_PASSWORD');
  if ((username === undefined) !== (password === undefined)) problems.push('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together: set both (the bank\'s Kafka user, partner-<code>) or neither');
  if (username !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(username)) problems.push('KAFKA_SASL_USERNAME must be 1 to 64 letters, digits, ".", "_" or "-"');
  if (password !== undefined && password.length < 8) problems.push('KAFKA_SASL_PASSWORD must be at least 8 characters');
  const mechanism = (text('KAFKA_SASL_MECHANISM') ?? 'scram-sha-512') as PartnerSaslMechanism;
  if (!(PARTNER_SASL_MECHANISMS as readonly string[]).includes(mechanism)) problems.push(`KAFKA_SASL_MECHANISM must be one of ${PARTNER_SASL_MECHANISMS.join(', ')}`);
  const tls = flag('KAFKA_TLS');
  const caFile = text('KAFKA_TLS_CA_FILE');
  let ca: string | undefined;
  if (caFile !== undefined) {
    if (!tls) problems.push('KAFKA_TLS_CA_FILE needs KAFKA_TLS=true');
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch {
      problems.push(`KAFKA_TLS_CA_FILE: cannot read ${caFile}`);
    }
  }
  const topicPrefix = text('KAFKA_TOPIC_PREFIX') ?? '';
  if (!/^[a-z0-9._-]*$/.test(topicPrefix)) problems.push('KAFKA_TOPIC_PREFIX may hold only lower-case letters, digits, ".", "_" and "-"');

  const databaseUrl = required('DATABASE_URL', 'the bank\'s own PostgreSQL database, postgres://user@host:port/name');
  if (databaseUrl && !/^postgres(ql)?:\/\/[^\s]+$/.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');

  const keysDir = text('PARTNER_KEYS_DIR');
  const keyFile = (name: string, file: string): string => {
    const explicit = text(name);
    if (explicit !== undefined) return explicit;
    if (keysDir !== undefined) return join(keysDir, file);
    problems.push(`${name} is required (or PARTNER_KEYS_DIR, the directory \`npm run partner:keys\` wrote ${file} into)`);
    return '';
  };
  const signingKeyFile = keyFile('PARTNER_SIGNING_KEY_FILE', BANK_KEY_FILES.SIGNING_KEY);
  const encryptionKeyFile = keyFile('PARTNER_ENCRYPTION_KEY_FILE', BANK_KEY_FILES.ENCRYPTION_KEY);
  const jwksFile = keyFile('PARTNER_JWKS_FILE', BANK_KEY_FILES.JWKS);
  const pinVerificationKeysFile = keyFile('PARTNER_PIN_VERIFICATION_KEYS_FILE', BANK_KEY_FILES.PIN_VERIFICATION_KEYS);

  let platformJwks: JwksLocation = { jwks: { keys: [] } };
  const platform = required('KIRIM_PLATFORM_JWKS', "kirim's platform JWKS, a file path or an https:// URL");
  if (platform) {
    try {
      platformJwks = jwksLocationOf(platform);
    } catch (error) {
      problems.push(`KIRIM_PLATFORM_JWKS: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const httpHost = text('HTTP_HOST') ?? '127.0.0.1';
  const httpPort = integer('HTTP_PORT', 3010, 0, 65535);
  const adminToken = required('PARTNER_ADMIN_TOKEN', 'the secret callers of the admin API send in x-partner-admin-token');
  if (adminToken && adminToken.length < 16) problems.push('PARTNER_ADMIN_TOKEN must be at least 16 characters');

  const logLevel = (text('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const config: ExamplePartnerConfig = {
    bankCode,
    kafka: {
      brokers,
      clientId: `partner-${bankCode.toLowerCase()}`,
      ...(username && password ? { sasl: { mechanism, username, password } } : {}),
      ...(tls ? { ssl: ca ? { ca: [ca] } : true } : {}),
    },
    topicPrefix,
    databaseUrl,
    databasePoolSize: integer('DATABASE_POOL_SIZE', 10, 1, 100),
    signingKeyFile,
    encryptionKeyFile,
    jwksFile,
    pinVerificationKeysFile,
    platformJwks,
    httpHost,
    httpPort,
    adminToken,
    freshness: { maxAgeMs: integer('MESSAGE_MAX_AGE_MS', 300_000, 10_000, 86_400_000), maxFutureSkewMs: integer('MESSAGE_MAX_FUTURE_SKEW_MS', 30_000, 0, 300_000) },
    partitionsConsumedConcurrently: integer('CONSUMER_PARTITIONS_CONCURRENTLY', 3, 1, 64),
    logLevel,
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 120_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
