import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { NotificationKind } from '@kirim/contracts';

/**
 * One message to one user about one payment. (user_id, payment_id, kind) is unique so a replayed
 * or redelivered payment event can never tell a user the same thing twice. The schema itself (with
 * the newest-first index) lives in the migrations; synchronize is never on.
 */
@Entity({ name: 'notifications' })
@Unique('uq_notifications_user_payment_kind', ['userId', 'paymentId', 'kind'])
export class NotificationEntity {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: NotificationKind;

  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId!: string;

  /** The receipt locale title and body are written in (en-IN, hi-IN, id-ID or pt-BR). */
  @Column({ type: 'varchar', length: 35, default: 'en-IN' })
  locale!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;
}
