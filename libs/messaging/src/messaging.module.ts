import { BeforeApplicationShutdown, DynamicModule, Inject, InjectionToken, Module, ModuleMetadata, OnApplicationBootstrap } from '@nestjs/common';
import { Admin, Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { deadLetterTopicOf, EVENT_CATALOGUE, isPartnerTopicTemplate, resolveTopicAddress } from '@kirim/contracts';
import { loadConfig } from '@kirim/platform';
import type { MessagingOptions } from './messaging.types';
import { MessagingConfig } from './messaging.config';
import { createKafkaClient, kafkaConnectionOf } from './kafka/kafka-client';
import { OutboxRelay } from './outbox/outbox-relay';
import { OutboxWriter } from './outbox/outbox-writer';
import { TransactionRunner, UnitOfWork } from './unit-of-work';
import { KafkaBatchTransport } from './kafka-batch.transport';
import { KafkaReadinessCheck } from './kafka-health.indicator';
import { BatchProcessor } from './consumer/batch-processor';
import { DeadLetterPublisher } from './consumer/dead-letter.publisher';
import { DeadLetterStore } from './consumer/dead-letter.store';
import { DeadLetterReplayer } from './consumer/dead-letter.replayer';
import { OutboxQuarantine } from './outbox/outbox-quarantine';
import { ConsumerState } from './consumer/consumer-state';
import { InboxPruner } from './consumer/inbox-pruner';
import { MessageTrustConfig } from './trust/message-trust.config';
import { createRecordSigner, createRecordVerifier } from './trust/message-trust.factory';
import { RecordSigner, RecordVerifier } from './trust/record-trust';

const KAFKA = Symbol('KAFKA');
const PRODUCER = Symbol('KAFKA_PRODUCER');
const ADMIN = Symbol('KAFKA_ADMIN');
const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
const RECORD_VERIFIER = Symbol('RECORD_VERIFIER');

/** Options computed at boot from other providers (bank-connector's partner registry, for one). */
export interface MessagingModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => MessagingOptions | Promise<MessagingOptions>;
}

/** Often enough that each run deletes a few minutes of traffic (about a million rows at 1,000 payments/s), not an hour's burst. */
const INBOX_PRUNE_INTERVAL_MS = 5 * 60 * 1000;

/** Consumer readiness goes stale if nothing was fetched or heartbeated for this long. */
const CONSUMER_STALE_AFTER_MS = 15000;

/** Every topic the service produces to (its event types), consumes from, and dead-letters to. */
function requiredTopics(options: MessagingOptions): string[] {
  const produced = Object.values(EVENT_CATALOGUE)
    .filter((spec) => spec.source === options.source)
    .flatMap((spec) => (isPartnerTopicTemplate(spec.topic) ? (options.partnerBankCodes ?? []).map((code) => resolveTopicAddress(spec.topic, code)) : [spec.topic]));
  const consumed = options.consumer?.topics ?? [];
  return [...new Set([...produced, ...consumed, ...consumed.map(deadLetterTopicOf)])];
}

/**
 * An idempotent producer: retries cannot duplicate a record within a session (acks=all, one request
 * in flight). The Java client's murmur2 partitioner, so partner tools and kirim put a key on the same
 * partition.
 */
function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
}

/** The consumer group as on the broker: the prefix applies to it too, so a prefixed environment never joins another's group. */
function consumerGroupOf(options: MessagingOptions, config: MessagingConfig): string | null {
  return options.consumer ? config.KAFKA_TOPIC_PREFIX + options.consumer.groupId : null;
}

/** Owns the Kafka client's lifecycle: connect at boot, drain the outbox and disconnect at shutdown. */
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(ADMIN) private readonly admin: Admin,
    private readonly relay: OutboxRelay,
    private readonly inboxPruner: InboxPruner,
  ) {}

  onApplicationBootstrap(): void {
    // Nothing is awaited here: the broker may be down at boot. The relay, the dead-letter publisher
    // and the readiness probe connect on first use (ConnectionGuard); readiness stays red until then.
    this.relay.start();
    this.inboxPruner.start();
  }

  /** Runs after HTTP and the consumer have stopped taking work (see runUntilSignalled). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.relay.stop(), this.inboxPruner.stop()]);
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return MessagingModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(async: MessagingModuleAsyncOptions): DynamicModule {
    const clientIdOf = (options: MessagingOptions): string => options.clientId ?? options.source.split('/').filter(Boolean).pop() ?? 'kirim';
    return {
      module: MessagingModule,
      global: true,
      imports: [...(async.imports ?? [])],
      providers: [
        { provide: MESSAGING_OPTIONS, useFactory: async.useFactory, inject: [...(async.inject ?? [])] },
        { provide: MessagingConfig, useFactory: () => loadConfig(MessagingConfig) },
        { provide: MessageTrustConfig, useFactory: () => loadConfig(MessageTrustConfig) },
        { provide: RecordSigner, useFactory: createRecordSigner, inject: [MessageTrustConfig, MESSAGING_OPTIONS] },
        { provide: RECORD_VERIFIER, useFactory: createRecordVerifier, inject: [MessageTrustConfig, MESSAGING_OPTIONS] },
        {
          provide: KAFKA,
          useFactory: (config: MessagingConfig, options: MessagingOptions) => createKafkaClient(clientIdOf(options), kafkaConnectionOf(config)),
          inject: [MessagingConfig, MESSAGING_OPTIONS],
        },
        // The dead-letter publisher's producer; the relay has its own, which it replaces when the broker refuses a record.
        { provide: PRODUCER, useFactory: createIdempotentProducer, inject: [KAFKA] },
        { provide: ADMIN, useFactory: (kafka: Kafka) => kafka.admin(), inject: [KAFKA] },
        {
          provide: OutboxRelay,
          useFactory: (dataSource: DataSource, kafka: Kafka, config: MessagingConfig, options: MessagingOptions, signer: RecordSigner) =>
            new OutboxRelay(
              dataSource,
              () => createIdempotentProducer(kafka),
              { batchSize: config.OUTBOX_BATCH_SIZE, pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS, lockName: `kirim-outbox:${options.source}`, topicPrefix: config.KAFKA_TOPIC_PREFIX },
              signer,
            ),
          inject: [DataSource, KAFKA, MessagingConfig, MESSAGING_OPTIONS, RecordSigner],
        },
        { provide: OutboxQuarantine, useFactory: (dataSource: DataSource, relay: OutboxRelay) => new OutboxQuarantine(dataSource, () => relay.wake()), inject: [DataSource, OutboxRelay] },
        { provide: DeadLetterStore, useFactory: (dataSource: DataSource) => new DeadLetterStore(dataSource), inject: [DataSource] },
        {
          provide: UnitOfWork,
          useFactory: (dataSource: DataSource, relay: OutboxRelay, options: MessagingOptions) => new UnitOfWork(dataSource, new OutboxWriter(options.source), () => relay.wake()),
          inject: [DataSource, OutboxRelay, MESSAGING_OPTIONS],
        },
        { provide: TransactionRunner, useExisting: UnitOfWork },
        { provide: ConsumerState, useFactory: () => new ConsumerState(CONSUMER_STALE_AFTER_MS) },
        {
          provide: InboxPruner,
          useFactory: (dataSource: DataSource, config: MessagingConfig) =>
            new InboxPruner(dataSource, { retentionDays: config.INBOX_RETENTION_DAYS, intervalMs: INBOX_PRUNE_INTERVAL_MS, batchSize: 5000 }),
          inject: [DataSource, MessagingConfig],
        },
        {
          provide: KafkaBatchTransport,
          useFactory: (
            kafka: Kafka,
            dataSource: DataSource,
            producer: Producer,
            relay: OutboxRelay,
            config: MessagingConfig,
            state: ConsumerState,
            options: MessagingOptions,
            verifier: RecordVerifier | undefined,
          ) => {
            const groupId = consumerGroupOf(options, config);
            if (!options.consumer || groupId === null) return null;
            const { topics } = options.consumer;
            const deadLetters = new DeadLetterPublisher(producer, groupId);
            return new KafkaBatchTransport(
              kafka,
              { groupId, topics: topics.map((topic) => config.KAFKA_TOPIC_PREFIX + topic), handledAddresses: options.consumer.handledAddresses, partitionsConsumedConcurrently: config.CONSUMER_PARTITIONS_CONCURRENTLY, transactionSize: config.CONSUMER_TRANSACTION_SIZE, offsetCommitIntervalMs: config.CONSUMER_OFFSET_COMMIT_INTERVAL_MS, topicPrefix: config.KAFKA_TOPIC_PREFIX },
              (dispatch, preparer) =>
                new BatchProcessor(
                  dataSource,
                  new OutboxWriter(options.source),
                  deadLetters,
                  dispatch,
                  {
                    consumerGroup: groupId,
                    maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
                    topicPrefix: config.KAFKA_TOPIC_PREFIX,
                    preparer,
                    verifier,
                    onDeadLettered: options.deadLetterHooks?.onDeadLettered,
                  },
                  () => relay.wake(),
                ),
              state,
            );
          },
          inject: [KAFKA, DataSource, PRODUCER, OutboxRelay, MessagingConfig, ConsumerState, MESSAGING_OPTIONS, RECORD_VERIFIER],
        },
        {
          provide: DeadLetterReplayer,
          useFactory: (dataSource: DataSource, transport: KafkaBatchTransport | null, relay: OutboxRelay, config: MessagingConfig, options: MessagingOptions) =>
            new DeadLetterReplayer(
              dataSource,
              new OutboxWriter(options.source),
              transport,
              { consumerGroup: consumerGroupOf(options, config), onReplayed: options.deadLetterHooks?.onReplayed },
              () => relay.wake(),
            ),
          inject: [DataSource, KafkaBatchTransport, OutboxRelay, MessagingConfig, MESSAGING_OPTIONS],
        },
        {
          provide: KafkaReadinessCheck,
          useFactory: (admin: Admin, relay: OutboxRelay, state: ConsumerState, config: MessagingConfig, options: MessagingOptions) =>
            new KafkaReadinessCheck(admin, relay, options.consumer ? state : undefined, requiredTopics(options).map((topic) => config.KAFKA_TOPIC_PREFIX + topic)),
          inject: [ADMIN, OutboxRelay, ConsumerState, MessagingConfig, MESSAGING_OPTIONS],
        },
        MessagingLifecycle,
      ],
      exports: [UnitOfWork, TransactionRunner, KafkaBatchTransport, KafkaReadinessCheck, OutboxRelay, DeadLetterStore, DeadLetterReplayer, OutboxQuarantine, ConsumerState],
    };
  }
}
