import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDeliveries1764800000000 implements MigrationInterface {
  name = 'CreateDeliveries1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per (notification, endpoint): a notification names its recipient and its event
    // (user, payment, kind), and an endpoint belongs to one channel, so the unique key is the
    // issue's "one delivery per (event, recipient, channel)" and a redelivered event adds none.
    // status 'delivering' is a claim with a lease (next_attempt_at is when it lapses): a worker
    // that dies mid-send leaves the row to be claimed again once the lease is over (docs/notifications.md).
    // last_error is bounded: it holds a status line or an error name, never a receiver's body.
    await queryRunner.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notifications (id),
        recipient_user_id uuid NOT NULL,
        channel varchar(32) NOT NULL,
        endpoint_key varchar(64) NOT NULL,
        -- When the event told of happened (the payment's occurredAt), sent in the webhook's body.
        occurred_at timestamptz NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error varchar(300) NULL,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz NULL,
        dead_at timestamptz NULL,
        replayed_at timestamptz NULL,
        replayed_by varchar(64) NULL,
        CONSTRAINT uq_deliveries_notification_endpoint UNIQUE (notification_id, endpoint_key),
        CONSTRAINT ck_deliveries_status CHECK (status IN ('pending', 'delivering', 'delivered', 'dead')),
        CONSTRAINT ck_deliveries_channel CHECK (channel IN ('chat')),
        CONSTRAINT ck_deliveries_attempts CHECK (attempts >= 0)
      )
    `);
    // The worker's claim: one endpoint's rows that are due, oldest first.
    await queryRunner.query(`CREATE INDEX ix_deliveries_due ON deliveries (endpoint_key, next_attempt_at) WHERE status IN ('pending', 'delivering')`);
    // The operator's list (by status, newest first) and the inbox's join (by notification).
    await queryRunner.query(`CREATE INDEX ix_deliveries_status_created ON deliveries (status, created_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE deliveries`);
  }
}
