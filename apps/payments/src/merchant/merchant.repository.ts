import type { TransactionScope } from '@kirim/messaging';
import { Merchant, MerchantApiKeyRecord } from './merchant';

/** A transaction to work in (the messaging TransactionScope, or anything carrying its manager). */
export type InTransaction = Pick<TransactionScope, 'manager'>;

/** What stops a merchant from being stored: its owner has one already, its handle is taken, or a look-alike of it. */
export type MerchantInsertOutcome = { readonly inserted: true } | { readonly inserted: false; readonly conflict: 'owner' | 'handle' | 'skeleton' };

/** Storage of merchants and their API keys (port; the use cases see this, unit tests an in-memory fake). */
export abstract class MerchantRepository {
  /**
   * In `tx` when given (onboarding: the merchant and its announcement commit together); a conflict
   * then leaves `tx` usable. Without `tx`, a statement of its own.
   */
  abstract insert(merchant: Merchant, tx?: InTransaction): Promise<MerchantInsertOutcome>;
  abstract findById(merchantId: string, tx?: InTransaction): Promise<Merchant | null>;
  abstract findByOwner(ownerUserId: string): Promise<Merchant | null>;
  /** `SELECT ... FOR UPDATE`: a merchant's key changes pass one at a time, so two cannot both be the second active key. */
  abstract lockById(tx: InTransaction, merchantId: string): Promise<Merchant | null>;

  abstract insertKey(tx: InTransaction, key: MerchantApiKeyRecord): Promise<void>;
  abstract countActiveKeys(tx: InTransaction, merchantId: string): Promise<number>;
  /** The merchant's keys, oldest first, revoked ones included. */
  abstract listKeys(merchantId: string): Promise<MerchantApiKeyRecord[]>;
  /** Revokes an active key of the merchant; false when it has no such active key. */
  abstract revokeKey(merchantId: string, keyId: string, at: Date): Promise<boolean>;
  /** The active key with this lookup prefix and its merchant; null when there is none. */
  abstract findActiveKey(lookupPrefix: string): Promise<{ readonly key: MerchantApiKeyRecord; readonly merchant: Merchant } | null>;
}
