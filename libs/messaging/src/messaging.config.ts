import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { EnvBoolean, HOST_PORT_LIST } from '@kirim/platform';

/** SASL mechanisms kirim's brokers offer (SCRAM only: PLAIN would send the password itself). */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** Kafka and messaging settings, read from the environment and validated at boot. */
export class MessagingConfig {
  /** Comma-separated `host:port` list, the same rule as BaseServiceConfig (read it with kafkaBrokers()). */
  @IsDefined({ message: '$property is required' })
  @Matches(HOST_PORT_LIST, { message: '$property must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  /**
   * The service's Kafka user (its principal: identity, payments, ...). The broker's ACLs give each
   * principal exactly its topics and consumer group (libs/contracts/src/kafka-acls.ts).
   */
  @IsDefined({ message: '$property is required' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: '$property must be 1 to 64 letters, digits, ".", "_" or "-"' })
  KAFKA_SASL_USERNAME!: string;

  @IsDefined({ message: '$property is required' })
  @IsString({ message: '$property must be a string' })
  @MinLength(8, { message: '$property must be at least 8 characters' })
  @MaxLength(1024, { message: '$property must be at most 1024 characters' })
  KAFKA_SASL_PASSWORD!: string;

  @IsIn(KAFKA_SASL_MECHANISMS, { message: `$property must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` })
  KAFKA_SASL_MECHANISM: KafkaSaslMechanism = 'scram-sha-512';

  /** TLS to the brokers (Kubernetes: Strimzi's TLS listener). Off locally, where the broker listens on loopback. */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  KAFKA_TLS: boolean = false;

  /** A PEM file with the CA that signed the brokers' certificates (Strimzi's cluster CA); read at boot. Needs KAFKA_TLS=true. */
  @IsOptional()
  @IsString({ message: '$property must be a path' })
  @MinLength(1, { message: '$property must be a path' })
  KAFKA_TLS_CA_FILE?: string;

  /**
   * Prepended to every topic name on the broker (default none). Lets several kirim environments, or
   * integration tests, share one cluster without seeing each other's records.
   */
  @Matches(/^[a-z0-9._-]*$/, { message: 'KAFKA_TOPIC_PREFIX may hold only lower-case letters, digits, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX: string = '';

  /** Attempts for a message whose handler throws before it goes to the dead-letter topic. */
  @IsInt()
  @Min(1)
  @Max(20)
  CONSUMER_MAX_ATTEMPTS: number = 3;

  /**
   * Partitions one service instance takes records from at once (kafkajs partitionsConsumedConcurrently).
   * Their chunks are applied together, one transaction for all (ChunkCombiner).
   */
  @IsInt()
  @Min(1)
  @Max(64)
  CONSUMER_PARTITIONS_CONCURRENTLY: number = 3;

  /** Most messages applied in one database transaction, whatever the partitions they come from. */
  @IsInt()
  @Min(1)
  @Max(5000)
  CONSUMER_TRANSACTION_SIZE: number = 250;

  /**
   * Longest a handled message's offset waits to be committed: one OffsetCommit per interval per
   * consumer instead of one per fetched batch. A crash redelivers at most this much, which the inbox
   * turns away. 0 commits after every chunk.
   */
  @IsInt()
  @Min(0)
  @Max(60000)
  CONSUMER_OFFSET_COMMIT_INTERVAL_MS: number = 1000;

  /** Most outbox messages published in one producer request. */
  @IsInt()
  @Min(1)
  @Max(10000)
  OUTBOX_BATCH_SIZE: number = 500;

  /**
   * How often the relay looks for messages written by other processes. A commit in the same process
   * wakes it at once, and a relay that finds another replica publishing looks again within 20 ms, so
   * this is only the safety net: each look is a transaction, and ten a second per service cost an idle
   * stack more CPU than anything else it did.
   */
  @IsInt()
  @Min(5)
  @Max(60000)
  OUTBOX_POLL_INTERVAL_MS: number = 1000;

  /**
   * Days an inbox row is kept. Kafka can deliver a record again for as long as its segment exists:
   * up to the topic's retention (7 days) after the segment's last record, and a segment of a quiet
   * topic stays open up to segment.ms (7 days by default) after its first. 15 days outlasts both,
   * plus the broker's retention check, so no redelivery outlives its inbox row (InboxPruner refuses
   * anything not above the retention itself).
   */
  @IsInt()
  @Min(8)
  @Max(3650)
  INBOX_RETENTION_DAYS: number = 15;
}
