import type { Currency } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { PayerUsage, WindowPayment } from './payment-limits-policy';

/** A transaction to work in (the messaging TransactionScope, or anything carrying its manager). */
export type InTransaction = Pick<TransactionScope, 'manager'>;

export interface PayerUsageQuery {
  readonly payerUserId: string;
  readonly currency: Currency;
  /** Payments created after this count against the rolling limits. */
  readonly windowStart: Date;
  /** Payments created at or after this count against the cooling cap; null: no cooling period runs. */
  readonly coolingStart: Date | null;
}

/**
 * What the limits need from storage. Concurrent payments of one payer, on any replica, must not
 * each see the others' absence and jointly pass a limit: `lockAndMeasure` serializes them until the
 * transaction ends, and the insert of the new payment happens inside it.
 */
export abstract class PayerUsageRepository {
  /**
   * Waits until no other transaction holds this payer's limit lock and holds it until `tx` ends;
   * then the count and totals of the payer's counted payments (every status but debit_failed) in
   * the windows, read after the lock was granted, so they include what its previous holder committed.
   */
  abstract lockAndMeasure(tx: InTransaction, query: PayerUsageQuery): Promise<PayerUsage>;
  /** The counted payments in the rolling window, oldest first: only read to tell a refused payer when it frees up. */
  abstract windowPayments(tx: InTransaction, query: PayerUsageQuery): Promise<WindowPayment[]>;
}
