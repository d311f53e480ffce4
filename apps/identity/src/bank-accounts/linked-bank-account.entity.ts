import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A bank account a user linked. `accountRef` is bank-connector's opaque handle for the account:
 * identity never holds the full account number, only the masked one to show.
 */
@Entity({ name: 'linked_bank_accounts' })
export class LinkedBankAccountEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'bank_code', type: 'text' })
  bankCode!: string;

  @Column({ name: 'account_ref', type: 'uuid' })
  accountRef!: string;

  @Column({ name: 'masked_account_number', type: 'text' })
  maskedAccountNumber!: string;

  /**
   * The bank-registered holder name, encrypted (FieldEncryption, purpose `linked_bank_accounts.holder_name`;
   * docs/data-at-rest.md); the repository adapter alone reads and writes it. Null for an account linked
   * before names were recorded.
   */
  @Column({ name: 'holder_name_encrypted', type: 'text', nullable: true })
  holderNameEncrypted!: string | null;

  @Column({ name: 'bank_name', type: 'varchar', length: 120, nullable: true })
  bankName!: string | null;

  @Column({ name: 'is_primary', type: 'boolean' })
  isPrimary!: boolean;

  @Column({ name: 'linked_at', type: 'timestamptz' })
  linkedAt!: Date;
}
