import { Injectable } from '@nestjs/common';
import { Currency, Money, PAYMENT_STATUSES, PaymentStatus, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import { DataSource } from 'typeorm';
import type { ReconciledPayment } from './leg-comparison';
import { PaymentsToReconcileQuery, ReconciliationPayments } from './reconciliation-payments.repository';

interface PaymentRow {
  id: string;
  status: string;
  amount_minor: string;
  currency: string;
  payer_bank_code: string;
  payer_account_ref: string;
  payee_bank_code: string;
  payee_account_ref: string;
  debit_request_id: string | null;
  credit_request_id: string | null;
  reversal_request_id: string | null;
  kind: string;
  updated_at: Date;
}

/** The states nothing moves a payment out of (docs/payment-lifecycle.md): checked again only for a while. */
const FINAL_STATUSES: readonly PaymentStatus[] = ['completed', 'debit_failed', 'reversed'];

/** Reads `payments` directly and only: reconciliation changes no payment. */
@Injectable()
export class TypeOrmReconciliationPayments extends ReconciliationPayments {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async paymentsToReconcile(query: PaymentsToReconcileQuery): Promise<ReconciledPayment[]> {
    const rows = await this.dataSource.query<PaymentRow[]>(
      `SELECT id, status, amount_minor::text AS amount_minor, currency, payer_bank_code, payer_account_ref, payee_bank_code, payee_account_ref,
              debit_request_id, credit_request_id, reversal_request_id, kind, updated_at
         FROM payments
        WHERE debit_request_id IS NOT NULL
          AND updated_at < $1
          AND (status <> ALL($2::text[]) OR updated_at >= $3)
        ORDER BY updated_at DESC, id
        LIMIT $4`,
      [query.updatedBefore, FINAL_STATUSES, query.finalUpdatedSince, query.limit],
    );
    return rows.map(toReconciledPayment);
  }
}

function toReconciledPayment(row: PaymentRow): ReconciledPayment {
  const status = PAYMENT_STATUSES.find((known) => known === row.status);
  if (!status) throw new Error(`payment ${row.id} has a status reconciliation does not know: ${row.status}`);
  const currency = SUPPORTED_CURRENCIES.find((known) => known === row.currency.trim());
  if (!currency) throw new Error(`payment ${row.id} has an unsupported currency`);
  return {
    paymentId: row.id,
    status,
    amount: Money.ofMinor(BigInt(row.amount_minor), currency as Currency),
    payer: { bankCode: row.payer_bank_code, accountRef: row.payer_account_ref },
    payee: { bankCode: row.payee_bank_code, accountRef: row.payee_account_ref },
    debitRequestId: row.debit_request_id,
    creditRequestId: row.credit_request_id,
    reversalRequestId: row.reversal_request_id,
    // A refund's debit and credit are asked of the banks as `refund` legs (payment.ts legPurposeOf).
    legPurpose: row.kind === 'refund' ? 'refund' : 'payment',
    updatedAt: new Date(row.updated_at),
  };
}
