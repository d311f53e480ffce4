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

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
