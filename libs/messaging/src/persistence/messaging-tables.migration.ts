import { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox and inbox tables every service's database carries. Listed first in each service's migrations. */
export class CreateMessagingTables1764288000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_messages (
        position bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        record_key text NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        subject text,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        traceparent text
      )`);
    await queryRunner.query(`
      CREATE TABLE inbox_messages (
        consumer_group text NOT NULL,
        source text NOT NULL,
        message_id text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        kafka_offset bigint NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('applied', 'dead-lettered')),
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, source, message_id)
      )`);
    // For InboxPruner, which deletes rows older than the retention.
    await queryRunner.query('CREATE INDEX inbox_messages_processed_at ON inbox_messages (processed_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE inbox_messages');
    await queryRunner.query('DROP TABLE outbox_messages');
  }
}
