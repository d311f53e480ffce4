import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { NotificationKind } from '@kirim/contracts';

/**
 * One message to one user about one payment or one collect request (exactly one of the two:
 * ck_notifications_subject). (user_id, payment_id, kind) and (user_id, collect_request_id, kind)
 * are unique so a replayed or redelivered event can never tell a user the same thing twice. The
 * schema itself (with the newest-first index) lives in the migrations; synchronize is never on.
 */
@Entity({ name: 'notifications' })
@Unique('uq_notifications_user_payment_kind', ['userId', 'paymentId', 'kind'])
@Unique('uq_notifications_user_collect_request_kind', ['userId', 'collectRequestId', 'kind'])
export class NotificationEntity {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: NotificationKind;

  @Column({ name: 'payment_id', type: 'uuid', nullable: true })
  paymentId!: string | null;

  @Column({ name: 'collect_request_id', type: 'uuid', nullable: true })
  collectRequestId!: string | null;

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
