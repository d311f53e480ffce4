import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One side of an approved posting: a signed amount on one account. The entries of a posting sum to
 * zero (a deferred constraint trigger checks it at commit), so money is only ever moved, never made.
 */
@Entity({ name: 'sandbox_ledger_entries' })
export class SandboxLedgerEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'posting_id', type: 'uuid' })
  postingId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** Signed minor units: negative leaves the account, positive enters it. */
  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
