import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sandbox bank's double-entry ledger: accounts, postings (one per leg, approved or declined) and
 * ledger entries (the signed movements of an approved posting), plus one settlement account per
 * sandbox bank. The bank list is written out here rather than imported so this migration never
 * changes after it has run.
 */
export class CreateSandboxBank1764300000000 implements MigrationInterface {
  name = 'CreateSandboxBank1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sandbox_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bank_code varchar(4) NOT NULL,
        account_number varchar(12) NOT NULL,
        holder_name varchar(100) NOT NULL,
        mobile varchar(16),
        kind varchar(10) NOT NULL,
        currency char(3) NOT NULL,
        balance_minor bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sandbox_accounts_account_number_key UNIQUE (account_number),
        CONSTRAINT sandbox_accounts_account_number_format CHECK (account_number ~ '^[0-9]{12}$'),
        CONSTRAINT sandbox_accounts_kind_check CHECK (kind IN ('customer', 'settlement')),
        CONSTRAINT sandbox_accounts_customer_has_mobile CHECK (kind <> 'customer' OR mobile IS NOT NULL),
        -- The bank's promise: a customer account is never overdrawn, whatever the code above does.
        CONSTRAINT sandbox_accounts_customer_not_overdrawn CHECK (kind <> 'customer' OR balance_minor >= 0),
        -- A settlement account's balance is the sum of its entries (no hot row to lock), see the entity.
        CONSTRAINT sandbox_accounts_settlement_balance_derived CHECK (kind <> 'settlement' OR balance_minor = 0)
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX sandbox_accounts_one_settlement_per_bank ON sandbox_accounts (bank_code, currency) WHERE kind = 'settlement'`,
    );
    await queryRunner.query(`CREATE INDEX sandbox_accounts_customer_mobile_idx ON sandbox_accounts (mobile) WHERE kind = 'customer'`);

    // RRNs are 12 digits; a sequence hands them out without a lock on any row.
    await queryRunner.query(`CREATE SEQUENCE sandbox_rrn_seq AS bigint MINVALUE 1 MAXVALUE 999999999999 NO CYCLE`);

    await queryRunner.query(`
      CREATE TABLE sandbox_postings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL,
        payment_id uuid,
        purpose varchar(10) NOT NULL,
        direction varchar(6) NOT NULL,
        bank_code varchar(4) NOT NULL,
        customer_account_id uuid NOT NULL,
        result_code varchar(3) NOT NULL,
        rrn char(12),
        reason varchar(200),
        amount_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sandbox_postings_request_id_key UNIQUE (request_id),
        CONSTRAINT sandbox_postings_rrn_key UNIQUE (rrn),
        CONSTRAINT sandbox_postings_purpose_check CHECK (purpose IN ('payment', 'reversal', 'opening')),
        CONSTRAINT sandbox_postings_direction_check CHECK (direction IN ('debit', 'credit')),
        CONSTRAINT sandbox_postings_amount_check CHECK (amount_minor >= 0),
        CONSTRAINT sandbox_postings_rrn_on_success CHECK ((result_code = '00') = (rrn IS NOT NULL)),
        CONSTRAINT sandbox_postings_reason_on_decline CHECK ((result_code = '00') = (reason IS NULL))
      )
    `);
    await queryRunner.query(`CREATE INDEX sandbox_postings_payment_idx ON sandbox_postings (payment_id)`);

    await queryRunner.query(`
      CREATE TABLE sandbox_ledger_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        posting_id uuid NOT NULL REFERENCES sandbox_postings (id),
        account_id uuid NOT NULL REFERENCES sandbox_accounts (id),
        amount_minor bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sandbox_ledger_entries_nonzero CHECK (amount_minor <> 0)
      )
    `);
    await queryRunner.query(`CREATE INDEX sandbox_ledger_entries_account_idx ON sandbox_ledger_entries (account_id)`);
    await queryRunner.query(`CREATE INDEX sandbox_ledger_entries_posting_idx ON sandbox_ledger_entries (posting_id)`);

    // Double entry, enforced by the database: at commit, every posting's entries must sum to zero.
    await queryRunner.query(`
      CREATE FUNCTION sandbox_assert_posting_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT COALESCE(SUM(amount_minor), 0) FROM sandbox_ledger_entries WHERE posting_id = NEW.posting_id) <> 0 THEN
          RAISE EXCEPTION 'sandbox posting % is unbalanced', NEW.posting_id;
        END IF;
        RETURN NULL;
      END
      $$
    `);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER sandbox_ledger_entries_balanced
        AFTER INSERT ON sandbox_ledger_entries
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION sandbox_assert_posting_balanced()
    `);
    // The ledger is append-only: corrections are new postings, never edits.
    await queryRunner.query(`
      CREATE FUNCTION sandbox_refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'sandbox ledger entries are append-only';
      END
      $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER sandbox_ledger_entries_append_only
        BEFORE UPDATE OR DELETE ON sandbox_ledger_entries
        FOR EACH ROW EXECUTE FUNCTION sandbox_refuse_ledger_change()
    `);

    await queryRunner.query(`
      INSERT INTO sandbox_accounts (bank_code, account_number, holder_name, mobile, kind, currency, balance_minor) VALUES
        ('SBXA', '900000000001', 'Sandbox Bank A settlement', NULL, 'settlement', 'INR', 0),
        ('SBXB', '900000000002', 'Sandbox Bank B settlement', NULL, 'settlement', 'INR', 0)
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sandbox_ledger_entries`);
    await queryRunner.query(`DROP FUNCTION sandbox_refuse_ledger_change()`);
    await queryRunner.query(`DROP FUNCTION sandbox_assert_posting_balanced()`);
    await queryRunner.query(`DROP TABLE sandbox_postings`);
    await queryRunner.query(`DROP SEQUENCE sandbox_rrn_seq`);
    await queryRunner.query(`DROP TABLE sandbox_accounts`);
  }
}
