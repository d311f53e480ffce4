import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's language and time zone (docs/notifications.md: receipts are written in them). Nullable:
 * a user who never set them gets receipts in en-IN and Asia/Kolkata. `preferences_changed_at` is
 * the `changedAt` of the last identity.user.preferences-changed.v1 announced, so the next one is
 * always later (consumers keep the latest).
 */
export class AddUserPreferences1764912000000 implements MigrationInterface {
  name = 'AddUserPreferences1764912000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN locale varchar(35) NULL, ADD COLUMN time_zone varchar(64) NULL, ADD COLUMN preferences_changed_at timestamptz NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN preferences_changed_at, DROP COLUMN time_zone, DROP COLUMN locale`);
  }
}
