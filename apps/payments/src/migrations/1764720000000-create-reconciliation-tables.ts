import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation (docs/operations.md): each run of the job comparing payments with what the banks
 * say, and the mismatches it found. A run is `running` until it completes or fails; at most one runs
 * at a time across replicas (the partial unique index), and one abandoned by a dead process is
 * failed by the next start. Mismatches are paged by their id.
 */
export class CreateReconciliationTables1764720000000 implements MigrationInterface {
  name = 'CreateReconciliationTables1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reconciliation_runs (
        id uuid PRIMARY KEY,
        trigger varchar(10) NOT NULL,
        requested_by varchar(64),
        status varchar(10) NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        payments_checked int NOT NULL DEFAULT 0,
        legs_checked int NOT NULL DEFAULT 0,
        mismatches int NOT NULL DEFAULT 0,
        failure_reason varchar(300),
        CONSTRAINT reconciliation_runs_trigger_check CHECK (trigger IN ('schedule', 'operator')),
        CONSTRAINT reconciliation_runs_operator_named CHECK ((trigger = 'operator') = (requested_by IS NOT NULL)),
        CONSTRAINT reconciliation_runs_status_check CHECK (status IN ('running', 'completed', 'failed')),
        CONSTRAINT reconciliation_runs_finished CHECK ((status = 'running') = (finished_at IS NULL)),
        CONSTRAINT reconciliation_runs_failure_reason CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
      )
    `);
    await queryRunner.query(`CREATE UNIQUE INDEX reconciliation_runs_one_running ON reconciliation_runs ((true)) WHERE status = 'running'`);
    await queryRunner.query(`CREATE INDEX reconciliation_runs_started_idx ON reconciliation_runs (started_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE reconciliation_mismatches (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
        payment_id uuid NOT NULL,
        payment_status varchar(20) NOT NULL,
        leg varchar(10) NOT NULL,
        request_id uuid NOT NULL,
        kind varchar(30) NOT NULL,
        expected varchar(12),
        bank_state varchar(10) NOT NULL,
        expected_amount_minor bigint,
        bank_amount_minor bigint,
        currency char(3) NOT NULL,
        detail varchar(300) NOT NULL,
        CONSTRAINT reconciliation_mismatches_leg_check CHECK (leg IN ('debit', 'credit', 'reversal', 'unexpected')),
        CONSTRAINT reconciliation_mismatches_expected_check CHECK (expected IS NULL OR expected IN ('applied', 'not-applied', 'pending'))
      )
    `);
    await queryRunner.query(`CREATE INDEX reconciliation_mismatches_run_idx ON reconciliation_mismatches (run_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reconciliation_mismatches`);
    await queryRunner.query(`DROP TABLE reconciliation_runs`);
  }
}
