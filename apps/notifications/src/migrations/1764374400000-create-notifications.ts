import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotifications1764374400000 implements MigrationInterface {
  name = 'CreateNotifications1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // gen_random_uuid() is built into PostgreSQL 13+, so no extension is needed.
    // created_at defaults to clock_timestamp(), not now(): a consumer batch is one transaction, and
    // now() would give every row of the batch the same instant and lose their order in the inbox.
    await queryRunner.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        kind varchar(32) NOT NULL,
        payment_id uuid NOT NULL,
        title varchar(200) NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        read_at timestamptz NULL,
        CONSTRAINT uq_notifications_user_payment_kind UNIQUE (user_id, payment_id, kind),
        CONSTRAINT ck_notifications_kind CHECK (kind IN ('payment.sent', 'payment.received', 'payment.failed', 'payment.reversed'))
      )
    `);
    // The inbox query: one user's notifications, newest first.
    await queryRunner.query(`CREATE INDEX ix_notifications_user_created ON notifications (user_id, created_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE notifications`);
  }
}
