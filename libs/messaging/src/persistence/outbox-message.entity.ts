import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A message waiting to be published. Written in the same transaction as the state change that
 * caused it; deleted by the relay once Kafka has acknowledged it.
 */
@Entity({ name: 'outbox_messages' })
export class OutboxMessageEntity {
  /** Insertion order; the relay publishes in this order so one aggregate's messages keep theirs. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  position!: string;

  /** CloudEvents id. */
  @Column({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'record_key', type: 'text' })
  recordKey!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'jsonb' })
  data!: object;

  @Column({ type: 'text', nullable: true })
  traceparent!: string | null;
}
