import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Row shape of `payments`. Only the persistence adapter sees this class; the domain works with
 * `Payment`. `amount_minor` is a Postgres bigint, which pg returns as a string: the mapper converts
 * it to a bigint explicitly (never through a JS number).
 */
@Entity({ name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'txn_id', type: 'char', length: 35, unique: true })
  txnId!: string;

  @Column({ name: 'payer_user_id', type: 'uuid' })
  payerUserId!: string;

  @Column({ name: 'payee_user_id', type: 'uuid' })
  payeeUserId!: string;

  @Column({ name: 'payer_bank_code', type: 'varchar', length: 16 })
  payerBankCode!: string;

  @Column({ name: 'payer_account_ref', type: 'uuid' })
  payerAccountRef!: string;

  @Column({ name: 'payee_bank_code', type: 'varchar', length: 16 })
  payeeBankCode!: string;

  @Column({ name: 'payee_account_ref', type: 'uuid' })
  payeeAccountRef!: string;

  @Column({ name: 'payee_display_name', type: 'varchar', length: 100, nullable: true })
  payeeDisplayName!: string | null;

  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ name: 'result_code', type: 'varchar', length: 3, nullable: true })
  resultCode!: string | null;

  @Column({ type: 'char', length: 12, nullable: true })
  rrn!: string | null;

  @Column({ name: 'debit_request_id', type: 'uuid', nullable: true })
  debitRequestId!: string | null;

  @Column({ name: 'credit_request_id', type: 'uuid', nullable: true })
  creditRequestId!: string | null;

  @Column({ name: 'reversal_request_id', type: 'uuid', nullable: true })
  reversalRequestId!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  note!: string | null;

  @Column({ name: 'leg_check_at', type: 'timestamptz', nullable: true })
  legCheckAt!: Date | null;

  @Column({ name: 'leg_checks', type: 'int', default: 0 })
  legChecks!: number;

  @Column({ name: 'deemed_leg', type: 'varchar', length: 6, nullable: true })
  deemedLeg!: string | null;

  @Column({ name: 'reversal_attempts', type: 'int', default: 0 })
  reversalAttempts!: number;

  @Column({ name: 'reversal_failure', type: 'varchar', length: 10, nullable: true })
  reversalFailure!: string | null;

  @Column({ name: 'reversal_result_code', type: 'varchar', length: 3, nullable: true })
  reversalResultCode!: string | null;

  @Column({ name: 'reversal_due_by', type: 'timestamptz', nullable: true })
  reversalDueBy!: Date | null;

  /** When `reversal-overdue` was raised for it (once): bookkeeping of the poller, not of the domain. */
  @Column({ name: 'reversal_overdue_alerted_at', type: 'timestamptz', nullable: true })
  reversalOverdueAlertedAt?: Date | null;

  @Column({ name: 'late_credit_at', type: 'timestamptz', nullable: true })
  lateCreditAt!: Date | null;

  /** Set aside by the poller (a row it could not handle): its timer stopped, an operator alerted. */
  @Column({ name: 'quarantined_at', type: 'timestamptz', nullable: true })
  quarantinedAt?: Date | null;

  @Column({ name: 'quarantine_reason', type: 'varchar', length: 500, nullable: true })
  quarantineReason?: string | null;

  /** `p2p`, `order` (a merchant order's payment) or `refund` (docs/merchants.md). */
  @Column({ type: 'varchar', length: 6, default: 'p2p' })
  kind!: string;

  @Column({ name: 'merchant_id', type: 'uuid', nullable: true })
  merchantId!: string | null;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId!: string | null;

  /** A refund's refunded payment. */
  @Column({ name: 'refund_of', type: 'uuid', nullable: true })
  refundOf!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/**
 * What an operator did to a payment, kept for good (the audit trail of the operator path): who,
 * what, with which reference, and the state before and after.
 */
@Entity({ name: 'payment_operator_actions' })
export class PaymentOperatorActionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId!: string;

  @Column({ type: 'varchar', length: 40 })
  action!: string;

  @Column({ type: 'varchar', length: 100 })
  operator!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  reference!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  @Column({ name: 'status_before', type: 'varchar', length: 20 })
  statusBefore!: string;

  @Column({ name: 'status_after', type: 'varchar', length: 20 })
  statusAfter!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
