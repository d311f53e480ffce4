import { Injectable } from '@nestjs/common';
import { InTransaction, PayerUsageQuery, PayerUsageRepository } from './payer-usage.repository';
import { PayerUsage, WindowPayment } from './payment-limits-policy';

/**
 * Namespace of the payer limit locks in PostgreSQL's two-key advisory lock space
 * (`pg_advisory_xact_lock(int, int)`), apart from the one-key space the outbox relay's lock uses.
 * The second key is hashtext(payer id): two payers sharing a hash only wait on each other briefly.
 */
export const PAYER_LIMIT_LOCK_NAMESPACE = 0x4b4c4d54; // "KLMT"

/** What payer_usage_under_lock answers (the initiation's statement answers the same columns). */
export interface PayerUsageRow {
  readonly counted: number;
  readonly counted_minor: string;
  readonly since_bound_minor: string;
}

export function payerUsageOfRow(row: PayerUsageRow): PayerUsage {
  return { count: row.counted, amountMinor: BigInt(row.counted_minor), sinceDeviceBoundMinor: BigInt(row.since_bound_minor) };
}

/**
 * Reads the payer's usage from `payments` itself, not a counter table: the window is a range scan
 * of one payer's recent rows on payments_payer_window_idx (payer_user_id, created_at, id) INCLUDE
 * (amount_minor, currency, status, kind), and a payment whose debit fails stops counting by its
 * status alone, without a second write to undo a counter. The measure is the function
 * `payer_usage_under_lock` (migrations/1764800000000-create-payer-usage-under-lock.ts): changing
 * what counts means a migration that replaces it, and `windowPayments` below with it.
 *
 * debit_failed is the one status that does not count: its money never moved and never will.
 * Everything else has moved money or still can (pending legs, credit_failed on its way to a
 * reversal); a reversed payment counts too: the debit happened, and a payment that bounces off the
 * payee must not give the payer a fresh allowance.
 *
 * A merchant's refund is not counted: it is money its owner received going back, not the owner
 * paying (docs/merchants.md). Its `kind` is in the window index, so the scan stays index-only.
 */
@Injectable()
export class TypeOrmPayerUsageRepository extends PayerUsageRepository {
  async lockAndMeasure(tx: InTransaction, query: PayerUsageQuery): Promise<PayerUsage> {
    // Transaction-scoped: released at commit or rollback, after the new payment is visible to the
    // next waiter. No in-process lock: replicas share nothing but the database. One round trip for
    // both: the function measures with a snapshot taken after the lock (its migration says why a
    // plain statement cannot). sum(bigint) is numeric, read as text into a bigint.
    const [row] = (await tx.manager.query('SELECT counted, counted_minor, since_bound_minor FROM payer_usage_under_lock($1, $2, $3, $4, $5)', [
      PAYER_LIMIT_LOCK_NAMESPACE,
      query.payerUserId,
      query.windowStart,
      query.coolingStart,
      query.currency,
    ])) as [PayerUsageRow];
    return payerUsageOfRow(row);
  }

  async windowPayments(tx: InTransaction, query: PayerUsageQuery): Promise<WindowPayment[]> {
    const rows = (await tx.manager.query(
      `SELECT amount_minor::text AS amount, created_at
         FROM payments
        WHERE payer_user_id = $1 AND created_at > $2 AND currency = $3 AND status <> 'debit_failed' AND kind <> 'refund'
        ORDER BY created_at ASC`,
      [query.payerUserId, query.windowStart, query.currency],
    )) as Array<{ amount: string; created_at: Date }>;
    return rows.map((row) => ({ amountMinor: BigInt(row.amount), createdAt: new Date(row.created_at) }));
  }
}
