import type { ReconciledPayment } from './leg-comparison';

export interface PaymentsToReconcileQuery {
  /** Only payments not updated since: newer ones may have answers in flight. */
  readonly updatedBefore: Date;
  /** Final payments updated since this are checked again; non-final ones always are. */
  readonly finalUpdatedSince: Date;
  readonly limit: number;
}

/** The payments a run compares with the banks (port); read-only. */
export abstract class ReconciliationPayments {
  /** Payments with at least one leg sent: every non-final one and the recently updated final ones, newest first. */
  abstract paymentsToReconcile(query: PaymentsToReconcileQuery): Promise<ReconciledPayment[]>;
}
