import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payer limits (apps/payments/src/limits) read one payer's recent payments on every
 * initiation: count, total and the total since the device was bound, over created_at ranges.
 * This index replaces payments_payer_created_idx (the payer's history, same key) rather than
 * adding a second one beside it, so the hot path's inserts maintain no extra index; the INCLUDE
 * columns let the window query be answered from the index alone once its pages are all-visible.
 * (Status changes already rewrite index entries: leg_check_at, indexed, changes with every leg.)
 */
export class AddPayerLimitWindowIndex1764600000000 implements MigrationInterface {
  name = 'AddPayerLimitWindowIndex1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX payments_payer_window_idx ON payments (payer_user_id, created_at DESC) INCLUDE (amount_minor, currency, status)`,
    );
    await queryRunner.query(`DROP INDEX payments_payer_created_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX payments_payer_created_idx ON payments (payer_user_id, created_at DESC)`);
    await queryRunner.query(`DROP INDEX payments_payer_window_idx`);
  }
}
