import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flags an operator must look at, beside the payment rather than in it (docs/operations.md): a bank
 * answer for a payment that was dead-lettered flags the payment, and replaying it clears the flag.
 * A side table, never an UPDATE of `payments`, and no foreign key: the payment's own row may be what
 * made the answer fail (or not exist at all), and the flag must still be written.
 */
export class CreatePaymentFlags1764720100000 implements MigrationInterface {
  name = 'CreatePaymentFlags1764720100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payment_flags (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        payment_id uuid NOT NULL,
        reason varchar(30) NOT NULL,
        dead_letter_id uuid,
        detail varchar(300) NOT NULL,
        flagged_at timestamptz NOT NULL,
        cleared_at timestamptz,
        CONSTRAINT payment_flags_reason_check CHECK (reason IN ('dead-lettered-answer')),
        CONSTRAINT payment_flags_dead_letter_key UNIQUE (dead_letter_id)
      )
    `);
    await queryRunner.query(`CREATE INDEX payment_flags_open_idx ON payment_flags (payment_id) WHERE cleared_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payment_flags`);
  }
}
