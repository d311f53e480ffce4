import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receipts in each user's language and time zone (docs/notifications.md):
 * - recipient_preferences: what identity last announced for a user (identity.user.preferences-changed.v1),
 *   with its changedAt, so an older event arriving late changes nothing;
 * - notifications.locale: the receipt locale a notification's text was written in, sent with it to
 *   the chat platform. Rows written before this were all en-IN.
 */
export class AddRecipientPreferences1764912000000 implements MigrationInterface {
  name = 'AddRecipientPreferences1764912000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE recipient_preferences (
        user_id uuid PRIMARY KEY,
        locale varchar(35) NULL,
        time_zone varchar(64) NULL,
        changed_at timestamptz NOT NULL
      )
    `);
    await queryRunner.query(`ALTER TABLE notifications ADD COLUMN locale varchar(35) NOT NULL DEFAULT 'en-IN'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications DROP COLUMN locale`);
    await queryRunner.query(`DROP TABLE recipient_preferences`);
  }
}
