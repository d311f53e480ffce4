import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `payer_usage_under_lock`: takes a payer's limit lock and then measures what the payer sent in the
 * limits' windows, in one round trip instead of two (docs/benchmarks.md, "Sixth pass").
 *
 * Both steps cannot share one plain statement: under READ COMMITTED a statement reads from the
 * snapshot taken when it started, before it waited for the lock, and would miss the payment that
 * the lock's previous holder committed meanwhile. A VOLATILE function takes a fresh snapshot for
 * each query it runs (PostgreSQL documentation, "Function Volatility Categories"), so the measure
 * runs after the lock, as a second statement would.
 *
 * What counts is the rule documented on TypeOrmPayerUsageRepository: every status but
 * debit_failed, refunds excluded. The measure is one range scan of payments_payer_window_idx.
 */
export class CreatePayerUsageUnderLock1764800000000 implements MigrationInterface {
  name = 'CreatePayerUsageUnderLock1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION payer_usage_under_lock(
        lock_namespace int, payer text, window_start timestamptz, cooling_start timestamptz, payment_currency char(3))
      RETURNS TABLE (counted int, counted_minor text, since_bound_minor text)
      LANGUAGE plpgsql VOLATILE
      AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_namespace, hashtext(payer));
        RETURN QUERY
          SELECT (count(*) FILTER (WHERE p.created_at > window_start))::int,
                 coalesce(sum(p.amount_minor) FILTER (WHERE p.created_at > window_start), 0)::text,
                 coalesce(sum(p.amount_minor) FILTER (WHERE p.created_at >= cooling_start), 0)::text
            FROM payments p
           WHERE p.payer_user_id = payer::uuid
             AND p.created_at >= least(window_start, coalesce(cooling_start, window_start))
             AND p.currency = payment_currency
             AND p.status <> 'debit_failed'
             AND p.kind <> 'refund';
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION payer_usage_under_lock(int, text, timestamptz, timestamptz, char)`);
  }
}
