import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** 'opening' is the sandbox's own: an opening balance paid in from the bank's settlement account. */
export const SANDBOX_POSTING_PURPOSES = ['payment', 'reversal', 'refund', 'opening'] as const;
export type SandboxPostingPurpose = (typeof SANDBOX_POSTING_PURPOSES)[number];

export const LEG_DIRECTIONS = ['debit', 'credit'] as const;
export type LegDirection = (typeof LEG_DIRECTIONS)[number];

/**
 * One leg as the bank answered it. Declined legs are recorded too (with no ledger entries), so the
 * same `requestId` always gets the same answer however often it is redelivered.
 */
@Entity({ name: 'sandbox_postings' })
export class SandboxPostingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The idempotency key of the leg (BankLegRequested.requestId); unique. */
  @Column({ name: 'request_id', type: 'uuid', unique: true })
  requestId!: string;

  /** Null for opening balances, which belong to no payment. */
  @Column({ name: 'payment_id', type: 'uuid', nullable: true })
  paymentId!: string | null;

  @Column({ name: 'purpose', type: 'varchar', length: 10 })
  purpose!: SandboxPostingPurpose;

  @Column({ name: 'direction', type: 'varchar', length: 6 })
  direction!: LegDirection;

  @Column({ name: 'bank_code', type: 'varchar', length: 4 })
  bankCode!: string;

  /**
   * The account the leg named. Not a foreign key: a declined leg may name an account that does not
   * exist, and that decline must be recorded all the same.
   */
  @Column({ name: 'customer_account_id', type: 'uuid' })
  customerAccountId!: string;

  @Column({ name: 'result_code', type: 'varchar', length: 3 })
  resultCode!: string;

  /** 12 digits from a sequence; set on approved legs only. */
  @Column({ name: 'rrn', type: 'char', length: 12, nullable: true })
  rrn!: string | null;

  /** Why the leg was declined; null on approved legs. Kept so a replay answers word for word. */
  @Column({ name: 'reason', type: 'varchar', length: 200, nullable: true })
  reason!: string | null;

  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ name: 'currency', type: 'char', length: 3 })
  currency!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
