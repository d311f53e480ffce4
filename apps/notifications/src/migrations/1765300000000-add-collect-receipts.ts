import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receipts of collect requests (payments.collect-request.*.v1; docs/notifications.md): a
 * notification is about a payment or a collect request, exactly one of the two, and is unique per
 * (user, request, kind) as per (user, payment, kind), so a redelivered or replayed collect event
 * records nothing twice. Three kinds of their own: collect.requested, collect.expired, collect.declined.
 */
export class AddCollectReceipts1765300000000 implements MigrationInterface {
  name = 'AddCollectReceipts1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE notifications
        ALTER COLUMN payment_id DROP NOT NULL,
        ADD COLUMN collect_request_id uuid NULL,
        ADD CONSTRAINT ck_notifications_subject CHECK (num_nonnulls(payment_id, collect_request_id) = 1),
        ADD CONSTRAINT uq_notifications_user_collect_request_kind UNIQUE (user_id, collect_request_id, kind)
    `);
    await queryRunner.query(`ALTER TABLE notifications DROP CONSTRAINT ck_notifications_kind`);
    await queryRunner.query(
      `ALTER TABLE notifications ADD CONSTRAINT ck_notifications_kind CHECK (kind IN ('payment.sent', 'payment.received', 'payment.failed', 'payment.reversed', 'refund.received', 'refund.sent', 'collect.requested', 'collect.expired', 'collect.declined'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM deliveries WHERE notification_id IN (SELECT id FROM notifications WHERE collect_request_id IS NOT NULL)`);
    await queryRunner.query(`DELETE FROM notifications WHERE collect_request_id IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE notifications DROP CONSTRAINT ck_notifications_kind`);
    await queryRunner.query(
      `ALTER TABLE notifications ADD CONSTRAINT ck_notifications_kind CHECK (kind IN ('payment.sent', 'payment.received', 'payment.failed', 'payment.reversed', 'refund.received', 'refund.sent'))`,
    );
    await queryRunner.query(`
      ALTER TABLE notifications
        DROP CONSTRAINT uq_notifications_user_collect_request_kind,
        DROP CONSTRAINT ck_notifications_subject,
        DROP COLUMN collect_request_id,
        ALTER COLUMN payment_id SET NOT NULL
    `);
  }
}
