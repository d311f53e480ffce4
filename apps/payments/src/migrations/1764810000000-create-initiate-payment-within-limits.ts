import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `initiate_payment_within_limits`: a plain P2P initiation's whole transaction as one statement,
 * run on its own (autocommit), so it costs one round trip instead of four (`START`, lock and
 * measure, claim and insert, `COMMIT`; docs/benchmarks.md, "seventh pass"):
 *
 * 1. the payer's limit lock and the measure of the payer's usage (payer_usage_under_lock);
 * 2. the Idempotency-Key, read after the lock: held by a request that committed while this one
 *    waited, it is answered as that request's payment (`held`), never refused;
 * 3. the usage against the bounds the caller derived from the scheme profile's limits
 *    (payerLimitBounds in payment-limits-policy.ts; the rules stay there): over them, nothing is
 *    written (`over-limit`) and the caller words the refusal from the usage returned;
 * 4. the key's claim, the payment (a row of `payments` as JSON, keyed by column name) and its
 *    outbox rows (one array per column, in publish order): `created`.
 *
 * The payment's columns are named, so a column added later with a default gets its default from
 * replicas that do not know it yet; a column the application starts writing needs this function
 * replaced too (payments.integration-test.ts reads an initiated payment back whole to catch it).
 * The columns the application never sets on a new payment (quarantine, overdue alert) stay NULL.
 *
 * The statement's transaction ends with it, and with it the payer's lock, after the payment is
 * visible to the next waiter. Each query inside sees what committed before it started (VOLATILE).
 */
export class CreateInitiatePaymentWithinLimits1764810000000 implements MigrationInterface {
  name = 'CreateInitiatePaymentWithinLimits1764810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION initiate_payment_within_limits(
        lock_namespace int, payer text, window_start timestamptz, cooling_start timestamptz, payment_currency char(3),
        max_count int, max_amount_minor bigint, max_since_bound_minor bigint,
        claim_user_id uuid, claim_key varchar, claim_fingerprint char(64), payment jsonb,
        outbox_id uuid[], outbox_topic text[], outbox_record_key text[], outbox_type text[], outbox_source text[],
        outbox_subject text[], outbox_occurred_at timestamptz[], outbox_data jsonb[], outbox_traceparent text[])
      RETURNS TABLE (outcome text, counted int, counted_minor text, since_bound_minor text, held_fingerprint text, held_payment_id uuid)
      LANGUAGE plpgsql VOLATILE
      AS $$
      DECLARE
        used record;
        held record;
      BEGIN
        SELECT u.counted, u.counted_minor, u.since_bound_minor INTO used
          FROM payer_usage_under_lock(lock_namespace, payer, window_start, cooling_start, payment_currency) u;
        SELECT k.request_fingerprint, k.payment_id INTO held FROM idempotency_keys k WHERE k.user_id = claim_user_id AND k.key = claim_key;
        IF FOUND THEN
          RETURN QUERY SELECT 'held', used.counted, used.counted_minor, used.since_bound_minor, held.request_fingerprint::text, held.payment_id;
          RETURN;
        END IF;
        IF used.counted > max_count OR used.counted_minor::bigint > max_amount_minor
           OR (max_since_bound_minor IS NOT NULL AND used.since_bound_minor::bigint > max_since_bound_minor) THEN
          RETURN QUERY SELECT 'over-limit', used.counted, used.counted_minor, used.since_bound_minor, NULL::text, NULL::uuid;
          RETURN;
        END IF;
        INSERT INTO idempotency_keys (user_id, key, request_fingerprint, payment_id)
          VALUES (claim_user_id, claim_key, claim_fingerprint, (payment->>'id')::uuid)
          ON CONFLICT (user_id, key) DO NOTHING;
        IF NOT FOUND THEN
          -- Claimed since the look above by a request outside this payer's lock: answered as held, nothing written.
          SELECT k.request_fingerprint, k.payment_id INTO held FROM idempotency_keys k WHERE k.user_id = claim_user_id AND k.key = claim_key;
          RETURN QUERY SELECT 'held', used.counted, used.counted_minor, used.since_bound_minor, held.request_fingerprint::text, held.payment_id;
          RETURN;
        END IF;
        INSERT INTO payments (id, txn_id, payer_user_id, payee_user_id, payer_bank_code, payer_account_ref, payee_bank_code,
                              payee_account_ref, payee_display_name, amount_minor, currency, status, result_code, rrn,
                              debit_request_id, credit_request_id, reversal_request_id, note, created_at, updated_at,
                              leg_check_at, leg_checks, deemed_leg, reversal_attempts, reversal_failure, reversal_result_code,
                              reversal_due_by, late_credit_at, kind, merchant_id, order_id, refund_of)
          SELECT r.id, r.txn_id, r.payer_user_id, r.payee_user_id, r.payer_bank_code, r.payer_account_ref,
                 r.payee_bank_code, r.payee_account_ref, r.payee_display_name, r.amount_minor, r.currency, r.status,
                 r.result_code, r.rrn, r.debit_request_id, r.credit_request_id, r.reversal_request_id, r.note,
                 r.created_at, r.updated_at, r.leg_check_at, r.leg_checks, r.deemed_leg, r.reversal_attempts,
                 r.reversal_failure, r.reversal_result_code, r.reversal_due_by, r.late_credit_at, r.kind,
                 r.merchant_id, r.order_id, r.refund_of
            FROM jsonb_populate_record(NULL::payments, payment) r;
        INSERT INTO outbox_messages (id, topic, record_key, type, source, subject, occurred_at, data, traceparent)
          SELECT r.id, r.topic, r.record_key, r.type, r.source, r.subject, r.occurred_at, r.data, r.traceparent
            FROM unnest(outbox_id, outbox_topic, outbox_record_key, outbox_type, outbox_source,
                        outbox_subject, outbox_occurred_at, outbox_data, outbox_traceparent)
                 WITH ORDINALITY AS r (id, topic, record_key, type, source, subject, occurred_at, data, traceparent, n)
           ORDER BY r.n;
        RETURN QUERY SELECT 'created', used.counted, used.counted_minor, used.since_bound_minor, NULL::text, NULL::uuid;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION initiate_payment_within_limits(int, text, timestamptz, timestamptz, char, int, bigint, bigint, uuid, varchar, char, jsonb,
         uuid[], text[], text[], text[], text[], text[], timestamptz[], jsonb[], text[])`,
    );
  }
}
