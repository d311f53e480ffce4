import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per (user, Idempotency-Key). The primary key is what makes two concurrent requests with
 * the same key create one payment: the second insert waits for the first transaction and then
 * conflicts, in the database, on any number of replicas.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  key!: string;

  /** sha256 (hex) of the canonical request body: same key + other body is refused. */
  @Column({ name: 'request_fingerprint', type: 'char', length: 64 })
  requestFingerprint!: string;

  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
