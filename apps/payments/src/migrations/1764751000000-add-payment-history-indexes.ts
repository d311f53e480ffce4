import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's history (GET /v1/payments) pages newest first by keyset on (created_at, id), once over
 * the payments they sent and once over those they received. With `id` in each index's key, a page
 * is one range scan that stops after `limit` rows, already in order, even where many payments share
 * a created_at.
 *
 * Both indexes replace the ones of the same leading key rather than adding beside them, so a
 * payment's insert maintains no extra index: the payer side keeps the name and INCLUDE columns of
 * payments_payer_window_idx (the payer limits' window query reads it the same way with `id` added
 * to the key), the payee side replaces payments_payee_created_idx.
 */
export class AddPaymentHistoryIndexes1764751000000 implements MigrationInterface {
  name = 'AddPaymentHistoryIndexes1764751000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX payments_payer_window_next_idx ON payments (payer_user_id, created_at DESC, id DESC) INCLUDE (amount_minor, currency, status, kind)`,
    );
    await queryRunner.query(`DROP INDEX payments_payer_window_idx`);
    await queryRunner.query(`ALTER INDEX payments_payer_window_next_idx RENAME TO payments_payer_window_idx`);
    await queryRunner.query(`CREATE INDEX payments_payee_history_idx ON payments (payee_user_id, created_at DESC, id DESC)`);
    await queryRunner.query(`DROP INDEX payments_payee_created_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX payments_payee_created_idx ON payments (payee_user_id, created_at DESC)`);
    await queryRunner.query(`DROP INDEX payments_payee_history_idx`);
    await queryRunner.query(
      `CREATE INDEX payments_payer_window_prev_idx ON payments (payer_user_id, created_at DESC) INCLUDE (amount_minor, currency, status, kind)`,
    );
    await queryRunner.query(`DROP INDEX payments_payer_window_idx`);
    await queryRunner.query(`ALTER INDEX payments_payer_window_prev_idx RENAME TO payments_payer_window_idx`);
  }
}
