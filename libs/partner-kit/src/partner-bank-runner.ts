import { Kafka } from 'kafkajs';
import { FreshnessWindow, partnerConsumerGroup, partnerRequestsTopic } from '@kirim/contracts';
import { AnswerFactory } from './answers/answer-factory';
import { PartnerRequestConsumer } from './consumer/partner-request-consumer';
import { PartnerRequestProcessor } from './consumer/request-processor';
import { PartnerKafkaConnection, toKafkaConfig } from './kafka/kafka-connection';
import type { BankDecryptionKey, BankKeys } from './keys/bank-keys';
import type { JwksLocation } from './keys/jwks-location';
import { PlatformKeyring } from './keys/platform-keyring';
import type { PartnerBankPort } from './legs/partner-bank.port';
import { PartnerLogger, silentLogger } from './logging/partner-logger';
import { DEFAULT_FRESHNESS, RequestGate } from './requests/request-gate';
import { InMemorySeenRecordStore, SeenRecordStore } from './requests/seen-records';

export interface PartnerBankOptions<Tx> {
  /** Four capital letters, e.g. XMPL. */
  readonly bankCode: string;
  readonly kafka: PartnerKafkaConnection;
  /** Prepended to every topic and to the consumer group (test environments); default none. */
  readonly topicPrefix?: string;
  /** The bank's signing and encryption keys (readBankKeyFiles / loadBankKeys). */
  readonly keys: BankKeys;
  /** Encryption keys being rotated out: requests kirim encrypted for them before it saw the new key still decrypt. */
  readonly retiredDecryptionKeys?: readonly BankDecryptionKey[];
  /** kirim's platform JWKS: an object, a file or an https URL. It holds kirim's signing keys and its encryption key. */
  readonly platformJwks: JwksLocation;
  /** How often the platform JWKS is reloaded (default 5 min), so a new kirim encryption key is picked up. */
  readonly platformJwksReloadMs?: number;
  /** The bank's code: ledger and customer directory. */
  readonly bank: PartnerBankPort<Tx>;
  /** Remembered ce_ids (replay refusal). Default: in memory, fine for one replica; share one (a table) across replicas. */
  readonly seenRecords?: SeenRecordStore;
  /** Default 5 min age, 30 s future skew. */
  readonly freshness?: Partial<FreshnessWindow>;
  readonly logger?: PartnerLogger;
  /** Partitions worked on at once (default 3); order is kept within each. */
  readonly partitionsConsumedConcurrently?: number;
  readonly now?: () => Date;
}

export interface PartnerBankRunner {
  /** True while the consumer is in its group and reading. */
  readonly running: boolean;
  readonly requestTopic: string;
  readonly consumerGroup: string;
  /** Stops reading, finishes the batch in hand, commits, closes the Kafka clients. */
  stop(): Promise<void>;
}

const SEEN_PRUNE_INTERVAL_MS = 60_000;

/** How often the platform JWKS is reloaded: as often as bank-connector lets it be cached (Cache-Control max-age 300). */
export const DEFAULT_PLATFORM_JWKS_RELOAD_MS = 300_000;

/**
 * Starts answering kirim: reads `partner.<code>.requests.v1` with the consumer group
 * `partner.<code>`, checks every record, hands valid ones to `bank`, and answers on
 * `partner.<code>.responses.v1`. Resolves once the consumer runs (or throws if it cannot start).
 */
export async function startPartnerBank<Tx>(options: PartnerBankOptions<Tx>): Promise<PartnerBankRunner> {
  const logger = options.logger ?? silentLogger;
  const prefix = options.topicPrefix ?? '';
  if (!/^[a-z0-9._-]*$/.test(prefix)) throw new Error('topicPrefix may hold only lower-case letters, digits, ".", "_" and "-"');
  const freshness: FreshnessWindow = { ...DEFAULT_FRESHNESS, ...options.freshness };
  const seen = options.seenRecords ?? new InMemorySeenRecordStore();
  const platformKeys = await PlatformKeyring.load(options.platformJwks);
  const now = options.now ?? (() => new Date());
  const gate = new RequestGate({ bankCode: options.bankCode, topicPrefix: prefix, platformKeys, decryptionKeys: [options.keys.decryption, ...(options.retiredDecryptionKeys ?? [])], seen, freshness, now });
  const answers = new AnswerFactory({ bankCode: options.bankCode, topicPrefix: prefix, signingKey: options.keys.signing, kirimEncryptionKey: () => platformKeys.encryptionKey(), now });
  const processor = new PartnerRequestProcessor(gate, options.bank, answers, logger);
  const kafka = new Kafka(toKafkaConfig(options.kafka, logger, `partner-${options.bankCode.toLowerCase()}`));
  const requestTopic = prefix + partnerRequestsTopic(options.bankCode);
  const consumerGroup = prefix + partnerConsumerGroup(options.bankCode);
  const consumer = new PartnerRequestConsumer(kafka, processor as PartnerRequestProcessor, seen, logger, {
    topic: requestTopic,
    groupId: consumerGroup,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
    flushEvery: 20,
    restartDelayMs: 5000,
  });
  await consumer.start();
  const pruner = setInterval(() => {
    seen.prune(now()).catch((error: unknown) => logger.warn('pruning remembered ce_ids failed', { error: error instanceof Error ? error.message : String(error) }));
  }, SEEN_PRUNE_INTERVAL_MS);
  pruner.unref();
  // kirim's encryption key can rotate without a record telling the bank so (unlike its signing key,
  // whose new kid triggers a reload): reloading on a schedule bounds how long the bank encrypts
  // holder names for the previous key, which kirim keeps opening until it retires it.
  const platformReloader = setInterval(() => {
    platformKeys.refresh().catch(() => undefined);
  }, options.platformJwksReloadMs ?? DEFAULT_PLATFORM_JWKS_RELOAD_MS);
  platformReloader.unref();
  logger.info('partner bank started', { bankCode: options.bankCode, topic: requestTopic, groupId: consumerGroup, signingKid: options.keys.signing.kid });
  return {
    get running() {
      return consumer.running;
    },
    requestTopic,
    consumerGroup,
    async stop() {
      clearInterval(pruner);
      clearInterval(platformReloader);
      await consumer.stop();
      logger.info('partner bank stopped', { bankCode: options.bankCode });
    },
  };
}
