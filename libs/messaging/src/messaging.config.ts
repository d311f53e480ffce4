import { IsDefined, IsInt, Matches, Max, Min } from 'class-validator';
import { HOST_PORT_LIST } from '@kirim/platform';

/** Kafka and messaging settings, read from the environment and validated at boot. */
export class MessagingConfig {
  /** Comma-separated `host:port` list, the same rule as BaseServiceConfig (read it with kafkaBrokers()). */
  @IsDefined({ message: '$property is required' })
  @Matches(HOST_PORT_LIST, { message: '$property must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

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

  /** Partitions one service instance works on at once (kafkajs partitionsConsumedConcurrently). */
  @IsInt()
  @Min(1)
  @Max(64)
  CONSUMER_PARTITIONS_CONCURRENTLY: number = 3;

  /** Most messages applied in one database transaction. */
  @IsInt()
  @Min(1)
  @Max(5000)
  CONSUMER_TRANSACTION_SIZE: number = 250;

  /** Most outbox messages published in one producer request. */
  @IsInt()
  @Min(1)
  @Max(10000)
  OUTBOX_BATCH_SIZE: number = 500;

  /** How often the relay looks for messages written by other processes (same-process writes wake it at once). */
  @IsInt()
  @Min(5)
  @Max(60000)
  OUTBOX_POLL_INTERVAL_MS: number = 100;

  /** Days an inbox row is kept; must exceed the consumed topics' retention (Kafka's default: 7 days). */
  @IsInt()
  @Min(1)
  @Max(3650)
  INBOX_RETENTION_DAYS: number = 14;
}
