import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePaymentTables1764300000000 implements MigrationInterface {
  name = 'CreatePaymentTables1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payments (
        id                  uuid PRIMARY KEY,
        txn_id              char(35) NOT NULL CONSTRAINT payments_txn_id_key UNIQUE,
        payer_user_id       uuid NOT NULL,
        payee_user_id       uuid NOT NULL,
        payer_bank_code     varchar(16) NOT NULL,
        payer_account_ref   uuid NOT NULL,
        payee_bank_code     varchar(16) NOT NULL,
        payee_account_ref   uuid NOT NULL,
        payee_display_name  varchar(100),
        amount_minor        bigint NOT NULL CONSTRAINT payments_amount_positive CHECK (amount_minor > 0),
        currency            char(3) NOT NULL,
        status              varchar(20) NOT NULL CONSTRAINT payments_status_known CHECK (status IN (
                              'created', 'debit_pending', 'debited', 'credit_pending', 'completed',
                              'debit_failed', 'credit_failed', 'reversal_pending', 'reversed')),
        result_code         varchar(3),
        rrn                 char(12),
        debit_request_id    uuid,
        credit_request_id   uuid,
        reversal_request_id uuid,
        note                varchar(50),
        created_at          timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL
      )`);
    // A user's history, newest first (sent and received).
    await queryRunner.query(`CREATE INDEX payments_payer_created_idx ON payments (payer_user_id, created_at DESC)`);
    await queryRunner.query(`CREATE INDEX payments_payee_created_idx ON payments (payee_user_id, created_at DESC)`);

    // The key row is inserted before its payment in the same transaction, so the foreign key is
    // checked at commit.
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        user_id             uuid NOT NULL,
        key                 varchar(64) NOT NULL,
        request_fingerprint char(64) NOT NULL,
        payment_id          uuid NOT NULL CONSTRAINT idempotency_keys_payment_fk
                              REFERENCES payments (id) DEFERRABLE INITIALLY DEFERRED,
        created_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE payments`);
  }
}
