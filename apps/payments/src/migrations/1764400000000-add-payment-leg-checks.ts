import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The leg timer (DESIGN "The payment": a leg whose answer never comes gets status checks):
 * `leg_check_at` is when the poller next re-sends the pending leg's command, `leg_checks` how many
 * times it has for the current leg. Only pending payments have a timer, and the partial index holds
 * only those rows, so the poller's scan stays small however many payments are final.
 */
export class AddPaymentLegChecks1764400000000 implements MigrationInterface {
  name = 'AddPaymentLegChecks1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payments
        ADD COLUMN leg_check_at timestamptz NULL,
        ADD COLUMN leg_checks   int NOT NULL DEFAULT 0 CONSTRAINT payments_leg_checks_non_negative CHECK (leg_checks >= 0)`);
    // Payments already waiting when this runs may have lost their answer long ago: check them at once.
    await queryRunner.query(`
      UPDATE payments SET leg_check_at = now()
       WHERE status IN ('debit_pending', 'credit_pending', 'reversal_pending')`);
    // A timer outside a pending state would re-send a leg that was already answered: refuse it.
    await queryRunner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_leg_check_only_pending
        CHECK (leg_check_at IS NULL OR status IN ('debit_pending', 'credit_pending', 'reversal_pending'))`);
    await queryRunner.query(`CREATE INDEX payments_leg_check_at_idx ON payments (leg_check_at) WHERE leg_check_at IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX payments_leg_check_at_idx`);
    await queryRunner.query(`ALTER TABLE payments DROP CONSTRAINT payments_leg_check_only_pending`);
    await queryRunner.query(`ALTER TABLE payments DROP COLUMN leg_checks, DROP COLUMN leg_check_at`);
  }
}
