import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receipts by SMS to users without the app (docs/notifications.md):
 * - recipient_preferences keeps whether the user has the app (identity.user.app-presence-changed.v1)
 *   with its own changedAt, apart from the language's: either announcement may come first, so a row
 *   may hold only one of them (changed_at is null while identity announced no preferences). No phone
 *   number: the SMS channel asks identity for it when it sends;
 * - deliveries may be on the 'sms' channel.
 */
export class AddRecipientAppPresence1765200000000 implements MigrationInterface {
  name = 'AddRecipientAppPresence1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE recipient_preferences
        ALTER COLUMN changed_at DROP NOT NULL,
        ADD COLUMN has_app boolean NULL,
        ADD COLUMN app_presence_changed_at timestamptz NULL,
        ADD CONSTRAINT ck_recipient_preferences_app_presence CHECK ((has_app IS NULL) = (app_presence_changed_at IS NULL)),
        ADD CONSTRAINT ck_recipient_preferences_announced CHECK (changed_at IS NOT NULL OR app_presence_changed_at IS NOT NULL)
    `);
    await queryRunner.query(`ALTER TABLE deliveries DROP CONSTRAINT ck_deliveries_channel`);
    await queryRunner.query(`ALTER TABLE deliveries ADD CONSTRAINT ck_deliveries_channel CHECK (channel IN ('chat', 'merchant-webhook', 'sms'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM deliveries WHERE channel = 'sms'`);
    await queryRunner.query(`ALTER TABLE deliveries DROP CONSTRAINT ck_deliveries_channel`);
    await queryRunner.query(`ALTER TABLE deliveries ADD CONSTRAINT ck_deliveries_channel CHECK (channel IN ('chat', 'merchant-webhook'))`);
    // Users known only by their app presence had no row before.
    await queryRunner.query(`DELETE FROM recipient_preferences WHERE changed_at IS NULL`);
    await queryRunner.query(`
      ALTER TABLE recipient_preferences
        DROP CONSTRAINT ck_recipient_preferences_announced,
        DROP CONSTRAINT ck_recipient_preferences_app_presence,
        DROP COLUMN app_presence_changed_at,
        DROP COLUMN has_app,
        ALTER COLUMN changed_at SET NOT NULL
    `);
  }
}
