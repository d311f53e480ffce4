import type { TransactionScope } from '@kirim/messaging';
import type { User, UserPreferences } from './user';

export abstract class UserRepository {
  abstract findById(id: string): Promise<User | null>;

  abstract findByPhone(phone: string): Promise<User | null>;

  /**
   * Inserts the user unless the phone number is already registered (returns false then). Does not
   * throw on the duplicate, so the transaction stays usable and commits nothing else.
   */
  abstract insertIfPhoneFree(tx: TransactionScope, user: User): Promise<boolean>;

  /** Reads the user and locks the row until `tx` ends; serializes changes to one user's accounts. */
  abstract lockById(tx: TransactionScope, id: string): Promise<User | null>;

  /** As lockById, by phone number: serializes the device bindings of one user. */
  abstract lockByPhone(tx: TransactionScope, phone: string): Promise<User | null>;

  /** Stores the user's language and time zone (lock the user first: lockById). */
  abstract savePreferences(tx: TransactionScope, userId: string, preferences: UserPreferences & { readonly changedAt: Date }): Promise<void>;

  /** Stores when the user's app presence was last announced (lock the user first). */
  abstract saveAppPresenceChangedAt(tx: TransactionScope, userId: string, changedAt: Date): Promise<void>;
}
