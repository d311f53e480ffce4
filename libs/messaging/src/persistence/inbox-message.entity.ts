import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OutboxMessageEntity } from './outbox-message.entity';

export type InboxOutcome = 'applied' | 'dead-lettered';

/**
 * A message a consumer group has dealt with, written in the same transaction as its effect, so a
 * redelivered message (same CloudEvents source and id) is recognised and changes nothing.
 */
@Entity({ name: 'inbox_messages' })
export class InboxMessageEntity {
  @PrimaryColumn({ name: 'consumer_group', type: 'text' })
  consumerGroup!: string;

  @PrimaryColumn({ type: 'text' })
  source!: string;

  @PrimaryColumn({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'int' })
  partition!: number;

  @Column({ name: 'kafka_offset', type: 'bigint' })
  kafkaOffset!: string;

  @Column({ type: 'text' })
  outcome!: InboxOutcome;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}

export const MESSAGING_ENTITIES = [OutboxMessageEntity, InboxMessageEntity];
