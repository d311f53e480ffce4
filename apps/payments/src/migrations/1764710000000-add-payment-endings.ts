import { MigrationInterface, QueryRunner } from 'typeorm';

const PENDING = `('debit_pending', 'credit_pending', 'reversal_pending')`;
const OWING_REVERSAL = `('credit_failed', 'reversal_pending', 'reversal_failed')`;

/**
 * Every payment ends (docs/payment-lifecycle.md): deemed outcomes, reversal retries and the
 * `reversal_failed` state, RBI's T+1 reversal deadline, rows the poller sets aside, and the audit
 * trail of what operators did.
 */
export class AddPaymentEndings1764710000000 implements MigrationInterface {
  name = 'AddPaymentEndings1764710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payments
        ADD COLUMN deemed_leg                  varchar(6) NULL CONSTRAINT payments_deemed_leg_known CHECK (deemed_leg IN ('debit', 'credit')),
        ADD COLUMN reversal_attempts           int NOT NULL DEFAULT 0 CONSTRAINT payments_reversal_attempts_non_negative CHECK (reversal_attempts >= 0),
        ADD COLUMN reversal_failure            varchar(10) NULL CONSTRAINT payments_reversal_failure_known CHECK (reversal_failure IN ('declined', 'unanswered')),
        ADD COLUMN reversal_result_code        varchar(3) NULL,
        ADD COLUMN reversal_due_by             timestamptz NULL,
        ADD COLUMN reversal_overdue_alerted_at timestamptz NULL,
        ADD COLUMN late_credit_at              timestamptz NULL,
        ADD COLUMN quarantined_at              timestamptz NULL,
        ADD COLUMN quarantine_reason           varchar(500) NULL`);
    await queryRunner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_status_known,
        ADD CONSTRAINT payments_status_known CHECK (status IN (
          'created', 'debit_pending', 'debited', 'credit_pending', 'completed',
          'debit_failed', 'credit_failed', 'reversal_pending', 'reversal_failed', 'reversed'))`);
    // The timer now also holds a failed reversal's retry. (The name stays: an earlier migration's
    // down step drops it by that name.)
    await queryRunner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_leg_check_only_pending,
        ADD CONSTRAINT payments_leg_check_only_pending
          CHECK (leg_check_at IS NULL OR status IN ('debit_pending', 'credit_pending', 'reversal_pending', 'reversal_failed'))`);

    // Payments already waiting: their legs start the profile's status-check pacing afresh (the old
    // checks counted up to 5 and then stopped for good), and those whose checks had run out are due at once.
    await queryRunner.query(`UPDATE payments SET leg_checks = 0, leg_check_at = COALESCE(leg_check_at, now()) WHERE status IN ${PENDING}`);
    // Reversals already owed: the attempt made counts, and the deadline is UPI's (end of day T+1 in
    // India, T the day of their last change) as the best record of when the failure happened.
    await queryRunner.query(`UPDATE payments SET reversal_attempts = 1 WHERE reversal_request_id IS NOT NULL`);
    await queryRunner.query(`
      UPDATE payments
         SET reversal_due_by = (date_trunc('day', updated_at AT TIME ZONE 'Asia/Kolkata') + interval '2 days') AT TIME ZONE 'Asia/Kolkata'
       WHERE status IN ${OWING_REVERSAL}`);

    // The poller's overdue scan and the operator's list read only the few rows these hold.
    await queryRunner.query(`
      CREATE INDEX payments_reversal_due_idx ON payments (reversal_due_by)
       WHERE reversal_overdue_alerted_at IS NULL AND status IN ${OWING_REVERSAL}`);
    await queryRunner.query(`
      CREATE INDEX payments_needs_operator_idx ON payments (created_at, id)
       WHERE quarantined_at IS NOT NULL OR late_credit_at IS NOT NULL OR (status = 'reversal_failed' AND leg_check_at IS NULL)`);

    // Written in the transaction that locks and changes the payment, so it always names one; no
    // foreign key, like payment_flags, so tests and tools can empty payments without this table.
    await queryRunner.query(`
      CREATE TABLE payment_operator_actions (
        id            uuid PRIMARY KEY,
        payment_id    uuid NOT NULL,
        action        varchar(40) NOT NULL CONSTRAINT payment_operator_actions_action_known CHECK (action IN ('retry-reversal', 'resolve-reversal')),
        operator      varchar(100) NOT NULL,
        reference     varchar(100),
        note          varchar(500),
        status_before varchar(20) NOT NULL,
        status_after  varchar(20) NOT NULL,
        occurred_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX payment_operator_actions_payment_idx ON payment_operator_actions (payment_id, occurred_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payment_operator_actions`);
    await queryRunner.query(`DROP INDEX IF EXISTS payments_needs_operator_idx`);
    await queryRunner.query(`DROP INDEX payments_reversal_due_idx`);
    // A failed reversal has no state to go back to: it was reversal_pending before, waiting on its timer.
    await queryRunner.query(`UPDATE payments SET status = 'reversal_pending', leg_check_at = now() WHERE status = 'reversal_failed'`);
    await queryRunner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_leg_check_only_pending,
        ADD CONSTRAINT payments_leg_check_only_pending CHECK (leg_check_at IS NULL OR status IN ${PENDING})`);
    await queryRunner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_status_known,
        ADD CONSTRAINT payments_status_known CHECK (status IN (
          'created', 'debit_pending', 'debited', 'credit_pending', 'completed',
          'debit_failed', 'credit_failed', 'reversal_pending', 'reversed'))`);
    await queryRunner.query(`
      ALTER TABLE payments
        DROP COLUMN quarantine_reason, DROP COLUMN quarantined_at, DROP COLUMN late_credit_at,
        DROP COLUMN reversal_overdue_alerted_at, DROP COLUMN reversal_due_by, DROP COLUMN reversal_result_code,
        DROP COLUMN reversal_failure, DROP COLUMN reversal_attempts, DROP COLUMN deemed_leg`);
  }
}
