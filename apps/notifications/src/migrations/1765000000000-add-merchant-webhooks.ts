import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddMerchantWebhooks1765000000000 implements MigrationInterface {
  name = 'AddMerchantWebhooks1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The merchants payments announced (payments.merchant.onboarded.v1): who owns each, for the
    // endpoint API's authorization, and its public name.
    await queryRunner.query(`
      CREATE TABLE merchants (
        merchant_id uuid PRIMARY KEY,
        owner_user_id uuid NOT NULL,
        display_name varchar(100) NOT NULL,
        onboarded_at timestamptz NOT NULL
      )
    `);
    // A merchant's endpoints. Secrets are encrypted at rest (FieldEncryption, docs/data-at-rest.md):
    // the database refuses a clear one. A disabled endpoint is kept (its deliveries name it).
    await queryRunner.query(`
      CREATE TABLE merchant_webhook_endpoints (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants (merchant_id),
        url varchar(2048) NOT NULL,
        status varchar(16) NOT NULL,
        secret_encrypted text NOT NULL,
        previous_secret_encrypted text NULL,
        previous_secret_expires_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        secret_rotated_at timestamptz NULL,
        disabled_at timestamptz NULL,
        CONSTRAINT ck_merchant_webhook_endpoints_status CHECK (status IN ('enabled', 'disabled')),
        CONSTRAINT ck_merchant_webhook_endpoints_secret_encrypted CHECK (secret_encrypted LIKE 'kf1.%'),
        CONSTRAINT ck_merchant_webhook_endpoints_previous_secret_encrypted CHECK (previous_secret_encrypted IS NULL OR previous_secret_encrypted LIKE 'kf1.%'),
        CONSTRAINT ck_merchant_webhook_endpoints_disabled CHECK ((status = 'disabled') = (disabled_at IS NOT NULL))
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_merchant_webhook_endpoints_merchant ON merchant_webhook_endpoints (merchant_id, created_at)`);
    // What a merchant is told: one row per (merchant, payment, type), so a redelivered or replayed
    // payment event records nothing twice; `data` is the webhook's data as the contract declares it
    // (MerchantPaymentWebhookData), built once from the payment event.
    await queryRunner.query(`
      CREATE TABLE merchant_events (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL,
        type varchar(32) NOT NULL,
        payment_id uuid NOT NULL,
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT uq_merchant_events_payment_type UNIQUE (merchant_id, payment_id, type)
      )
    `);
    // A delivery carries a user's notification or a merchant's event, exactly one of the two; one
    // per (message, endpoint) either way.
    await queryRunner.query(`ALTER TABLE deliveries ALTER COLUMN notification_id DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE deliveries ALTER COLUMN recipient_user_id DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE deliveries ADD COLUMN merchant_event_id uuid NULL REFERENCES merchant_events (id)`);
    await queryRunner.query(`ALTER TABLE deliveries ADD CONSTRAINT ck_deliveries_one_message CHECK (num_nonnulls(notification_id, merchant_event_id) = 1)`);
    await queryRunner.query(`ALTER TABLE deliveries ADD CONSTRAINT ck_deliveries_recipient CHECK ((notification_id IS NULL) = (recipient_user_id IS NULL))`);
    await queryRunner.query(`ALTER TABLE deliveries ADD CONSTRAINT uq_deliveries_merchant_event_endpoint UNIQUE (merchant_event_id, endpoint_key)`);
    await queryRunner.query(`ALTER TABLE deliveries DROP CONSTRAINT ck_deliveries_channel`);
    await queryRunner.query(`ALTER TABLE deliveries ADD CONSTRAINT ck_deliveries_channel CHECK (channel IN ('chat', 'merchant-webhook'))`);
    // A merchant's refund is told with kinds of its own (NOTIFICATION_KINDS): refund.received (the customer), refund.sent (the owner).
    await queryRunner.query(`ALTER TABLE notifications DROP CONSTRAINT ck_notifications_kind`);
    await queryRunner.query(
      `ALTER TABLE notifications ADD CONSTRAINT ck_notifications_kind CHECK (kind IN ('payment.sent', 'payment.received', 'payment.failed', 'payment.reversed', 'refund.received', 'refund.sent'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM deliveries WHERE merchant_event_id IS NOT NULL`);
    await queryRunner.query(`DELETE FROM deliveries WHERE notification_id IN (SELECT id FROM notifications WHERE kind IN ('refund.received', 'refund.sent'))`);
    await queryRunner.query(`DELETE FROM notifications WHERE kind IN ('refund.received', 'refund.sent')`);
    await queryRunner.query(`ALTER TABLE notifications DROP CONSTRAINT ck_notifications_kind`);
    await queryRunner.query(`ALTER TABLE notifications ADD CONSTRAINT ck_notifications_kind CHECK (kind IN ('payment.sent', 'payment.received', 'payment.failed', 'payment.reversed'))`);
    await queryRunner.query(`ALTER TABLE deliveries DROP CONSTRAINT ck_deliveries_channel`);
    await queryRunner.query(`ALTER TABLE deliveries ADD CONSTRAINT ck_deliveries_channel CHECK (channel IN ('chat'))`);
    await queryRunner.query(`ALTER TABLE deliveries DROP CONSTRAINT uq_deliveries_merchant_event_endpoint`);
    await queryRunner.query(`ALTER TABLE deliveries DROP CONSTRAINT ck_deliveries_recipient`);
    await queryRunner.query(`ALTER TABLE deliveries DROP CONSTRAINT ck_deliveries_one_message`);
    await queryRunner.query(`ALTER TABLE deliveries DROP COLUMN merchant_event_id`);
    await queryRunner.query(`ALTER TABLE deliveries ALTER COLUMN recipient_user_id SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE deliveries ALTER COLUMN notification_id SET NOT NULL`);
    await queryRunner.query(`DROP TABLE merchant_events`);
    await queryRunner.query(`DROP TABLE merchant_webhook_endpoints`);
    await queryRunner.query(`DROP TABLE merchants`);
  }
}
