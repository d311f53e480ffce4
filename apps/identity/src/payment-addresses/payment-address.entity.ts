import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A payment address. Uniqueness lives in the database (migration 1764640000000): the handle
 * case-insensitively, the skeleton (look-alikes folded, payment-handle-rules.ts) and one primary
 * per user, so concurrent requests on several replicas cannot break them.
 */
@Entity({ name: 'payment_addresses' })
export class PaymentAddressEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 50 })
  handle!: string;

  @Column({ type: 'varchar', length: 50 })
  skeleton!: string;

  @Column({ name: 'is_primary', type: 'boolean' })
  isPrimary!: boolean;

  @Column({ name: 'is_default', type: 'boolean' })
  isDefault!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
