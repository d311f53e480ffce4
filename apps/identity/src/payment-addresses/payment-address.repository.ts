import type { InTransaction } from '@kirim/messaging';
import type { PaymentAddress } from './payment-address';

/** Why an address was not inserted: its handle exists, or a look-alike of it does. */
export type AddressInsertOutcome = 'inserted' | 'handle-taken' | 'skeleton-taken';

/** Payment addresses (port); TypeOrmPaymentAddressRepository keeps them in PostgreSQL. */
export abstract class PaymentAddressRepository {
  /** The user's own addresses, primary first, then oldest first: never those held by a merchant they own. */
  abstract listByUser(userId: string): Promise<PaymentAddress[]>;

  /** As listByUser, read inside `tx` (after the user's lock, or in the user's creation). */
  abstract listByUserIn(tx: InTransaction, userId: string): Promise<PaymentAddress[]>;

  /** The address with this handle (lowercase), whoever holds it: a user, or a merchant (`merchantId` set). */
  abstract findByHandle(handle: string): Promise<PaymentAddress | null>;

  /** The address a merchant holds, read inside `tx`. */
  abstract findByMerchantIn(tx: InTransaction, merchantId: string): Promise<PaymentAddress | null>;

  abstract findPrimary(userId: string): Promise<PaymentAddress | null>;

  /** Whether any address has this skeleton (a look-alike of the handle exists). */
  abstract existsWithSkeleton(skeleton: string): Promise<boolean>;

  /**
   * Inserts unless the handle or its skeleton is already held (answering which, without throwing,
   * so `tx` stays usable): the database's unique indexes decide, so two replicas inserting look-alikes
   * at once cannot both succeed.
   */
  abstract insertIfFree(tx: InTransaction, address: PaymentAddress, skeleton: string): Promise<AddressInsertOutcome>;

  /** Makes `addressId` the user's only primary address. The caller holds the user's lock. */
  abstract makePrimary(tx: InTransaction, userId: string, addressId: string): Promise<void>;

  abstract delete(tx: InTransaction, addressId: string): Promise<void>;
}
