import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const SANDBOX_ACCOUNT_KINDS = ['customer', 'settlement'] as const;
export type SandboxAccountKind = (typeof SANDBOX_ACCOUNT_KINDS)[number];

/**
 * A freeze as banks place them on an account (a court or tax order, a KYC lapse, fraud): `credit`
 * lets no money in, `debit` no money out, `total` neither. Set by the sandbox operator, so tests can
 * make a bank decline a credit, a debit or a reversal on purpose.
 */
export const SANDBOX_ACCOUNT_FREEZES = ['none', 'credit', 'debit', 'total'] as const;
export type SandboxAccountFreeze = (typeof SANDBOX_ACCOUNT_FREEZES)[number];

/**
 * An account at a sandbox bank. Its id is the `accountRef` other services hold: the full account
 * number never leaves this service (it is shown masked only).
 *
 * `balanceMinor` is kept for customer accounts only. A settlement (pool) account takes one side of
 * every leg at its bank, so a stored running balance would be a row every concurrent batch must lock:
 * it would serialise the whole bank and deadlock batches that touch two banks in opposite orders. Its
 * balance is therefore the sum of its ledger entries, and its column stays 0 (a CHECK keeps it so).
 */
@Entity({ name: 'sandbox_accounts' })
export class SandboxAccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'bank_code', type: 'varchar', length: 4 })
  bankCode!: string;

  /**
   * The 12-digit account number, encrypted (FieldEncryption, purpose sandbox_accounts.account_number;
   * docs/data-at-rest.md). Personal data: never logged, never returned in full.
   */
  @Column({ name: 'account_number_encrypted', type: 'text' })
  accountNumberEncrypted!: string;

  /** Keyed hash of the account number (LookupHasher): unique without the number being stored. */
  @Column({ name: 'account_number_hash', type: 'char', length: 43 })
  accountNumberHash!: string;

  @Column({ name: 'holder_name_encrypted', type: 'text' })
  holderNameEncrypted!: string;

  /** The E.164 mobile, encrypted; null for settlement accounts. */
  @Column({ name: 'mobile_encrypted', type: 'text', nullable: true })
  mobileEncrypted!: string | null;

  /** Keyed hash of the E.164 mobile: how accounts are found by number. */
  @Column({ name: 'mobile_hash', type: 'char', length: 43, nullable: true })
  mobileHash!: string | null;

  @Column({ name: 'kind', type: 'varchar', length: 10 })
  kind!: SandboxAccountKind;

  @Column({ name: 'currency', type: 'char', length: 3 })
  currency!: string;

  /** Minor units; pg returns bigint as a string, convert with BigInt(). */
  @Column({ name: 'balance_minor', type: 'bigint' })
  balanceMinor!: string;

  /** Customer accounts only; a settlement account is never frozen (a CHECK keeps it so). */
  @Column({ name: 'freeze_kind', type: 'varchar', length: 6, default: 'none' })
  freeze!: SandboxAccountFreeze;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
