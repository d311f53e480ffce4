import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A payment address. Uniqueness lives in the database (migration 1764640000000): the handle
 * case-insensitively, the skeleton (look-alikes folded, payment-handle-rules.ts) and one primary
 * per user, so concurrent requests on several replicas cannot break them. Merchants' addresses are
 * rows of the same table (migration 1764780000000), so those indexes hold across users and merchants.
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

  /** Set on a merchant's address (migration 1764780000000); `userId` is then the merchant's owner. */
  @Column({ name: 'merchant_id', type: 'uuid', nullable: true })
  merchantId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
