import type { TransactionScope } from '@kirim/messaging';
import type { LinkedBankAccount } from './linked-bank-account';

export abstract class LinkedBankAccountRepository {
  /** The user's accounts, primary first, then in the order linked. Reads inside `tx` when given. */
  abstract listByUser(userId: string, tx?: TransactionScope): Promise<LinkedBankAccount[]>;

  abstract findPrimary(userId: string): Promise<LinkedBankAccount | null>;

  abstract insert(account: LinkedBankAccount, tx: TransactionScope): Promise<void>;
}
