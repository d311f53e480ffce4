import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What bank-connector remembers of partner banks: the legs it sent each one (to check the bank's
 * answer against what was asked, recognise a reused request id, and answer a status check from the
 * recorded answer), and its account lookups (answered asynchronously on the bank's topic).
 */
export class CreatePartnerTables1764500000000 implements MigrationInterface {
  name = 'CreatePartnerTables1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE partner_legs (
        request_id uuid PRIMARY KEY,
        payment_id uuid NOT NULL,
        txn_id char(35) NOT NULL,
        purpose varchar(10) NOT NULL,
        direction varchar(6) NOT NULL,
        bank_code varchar(4) NOT NULL,
        account_ref uuid NOT NULL,
        amount_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        forwarded_at timestamptz NOT NULL,
        forwards int NOT NULL DEFAULT 1,
        result_code varchar(3),
        rrn char(12),
        reason varchar(200),
        answered_at timestamptz,
        CONSTRAINT partner_legs_purpose_check CHECK (purpose IN ('payment', 'reversal')),
        CONSTRAINT partner_legs_direction_check CHECK (direction IN ('debit', 'credit')),
        CONSTRAINT partner_legs_amount_check CHECK (amount_minor > 0),
        CONSTRAINT partner_legs_answer_complete CHECK ((result_code IS NULL) = (answered_at IS NULL)),
        CONSTRAINT partner_legs_rrn_on_success CHECK (result_code IS NULL OR (result_code = '00') = (rrn IS NOT NULL))
      )
    `);
    await queryRunner.query(`CREATE INDEX partner_legs_payment_idx ON partner_legs (payment_id)`);
    await queryRunner.query(`
      CREATE TABLE partner_account_lookups (
        lookup_id uuid PRIMARY KEY,
        bank_code varchar(4) NOT NULL,
        -- SHA-256 of the E.164 number: the number itself stays out of this table.
        mobile_digest char(43) NOT NULL,
        requested_at timestamptz NOT NULL,
        answered_at timestamptz,
        accounts jsonb,
        CONSTRAINT partner_account_lookups_answer_complete CHECK ((answered_at IS NULL) = (accounts IS NULL))
      )
    `);
    await queryRunner.query(`CREATE INDEX partner_account_lookups_recent_idx ON partner_account_lookups (bank_code, mobile_digest, answered_at DESC)`);
    await queryRunner.query(`CREATE INDEX partner_account_lookups_requested_idx ON partner_account_lookups (requested_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE partner_account_lookups`);
    await queryRunner.query(`DROP TABLE partner_legs`);
  }
}
