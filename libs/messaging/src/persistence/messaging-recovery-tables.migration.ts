import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the messaging layer sets aside what it cannot handle, so nothing blocks what comes behind it
 * and an operator can see, fix and replay it (docs/dead-letters.md):
 * - `outbox_quarantine`: outbox rows the relay cannot encode or sign, or that the broker refuses for
 *   good (a record larger than the topic allows); requeued to the outbox by an operator.
 * - `dead_letters`: every record a consumer sent to a `.dlq` topic, with its reason, written in the
 *   same transaction as the inbox row; the handler failures among them keep their validated event
 *   and can be replayed once the cause is fixed.
 * Listed right after CreateMessagingTables1764288000000 in each service's migrations.
 */
export class CreateMessagingRecoveryTables1764700000000 implements MigrationInterface {
  name = 'CreateMessagingRecoveryTables1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The outbox row as it was (its position too, so a listing shows where it stood), minus any UPI
    // PIN block (see storable-json.ts), plus why it was set aside.
    await queryRunner.query(`
      CREATE TABLE outbox_quarantine (
        position bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        record_key text NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        subject text,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        traceparent text,
        reason text NOT NULL,
        quarantined_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY,
        consumer_group text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        kafka_offset bigint NOT NULL,
        record_key text,
        ce_id text,
        ce_type text,
        ce_source text,
        ce_subject text,
        reason text NOT NULL,
        attempts int NOT NULL CHECK (attempts >= 1),
        replayable boolean NOT NULL,
        event jsonb,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'replayed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz,
        replay_attempts int NOT NULL DEFAULT 0,
        last_replay_error text,
        -- Only a handler failure keeps its event, and only an event can be replayed.
        CHECK (replayable = (event IS NOT NULL)),
        CHECK ((status = 'replayed') = (replayed_at IS NOT NULL)),
        CHECK (status = 'open' OR replayable)
      )`);
    // A chunk redelivered after its transaction committed (the process died before Kafka took the
    // offsets) meets its own dead letters again: this makes writing them a no-op the second time.
    await queryRunner.query('CREATE UNIQUE INDEX dead_letters_record ON dead_letters (consumer_group, topic, partition, kafka_offset)');
    // The operator's listing: open ones, newest first, paged by (created_at, id).
    await queryRunner.query(`CREATE INDEX dead_letters_open_newest ON dead_letters (created_at DESC, id DESC) WHERE status = 'open'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE dead_letters');
    await queryRunner.query('DROP TABLE outbox_quarantine');
  }
}
