import type { TransactionScope } from '@kirim/messaging';
import type { LinkedBankAccount } from './linked-bank-account';

/** Linked bank accounts (port); TypeOrmLinkedBankAccountRepository keeps them in PostgreSQL. The transaction comes first. */
export abstract class LinkedBankAccountRepository {
  /** The user's accounts, primary first, then in the order linked. */
  abstract listByUser(userId: string): Promise<LinkedBankAccount[]>;

  /** As listByUser, read inside `tx` (after the user's lock). */
  abstract listByUserIn(tx: TransactionScope, userId: string): Promise<LinkedBankAccount[]>;

  abstract findPrimary(userId: string): Promise<LinkedBankAccount | null>;

  abstract insert(tx: TransactionScope, account: LinkedBankAccount): Promise<void>;
}
