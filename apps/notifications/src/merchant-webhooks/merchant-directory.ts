import type { InTransaction } from '@kirim/messaging';

/** A merchant as notifications knows it, from payments' `payments.merchant.onboarded.v1`. */
export interface KnownMerchant {
  readonly merchantId: string;
  /** The user who onboarded it: the only one who may manage its webhook endpoints. */
  readonly ownerUserId: string;
  /** Public (on the shop and the pay screen): shown whole in receipts. */
  readonly displayName: string;
  readonly onboardedAt: Date;
}

/** The merchants notifications has heard of (a port; `merchants` table). */
export abstract class MerchantDirectory {
  /** Stores a merchant in the consumer's transaction; one already known is kept as it is (a redelivery). */
  abstract record(tx: InTransaction, merchant: KnownMerchant): Promise<void>;

  abstract findById(merchantId: string): Promise<KnownMerchant | null>;

  /**
   * The same, read in the consumer's transaction: a batch that records a merchant's onboarding
   * and then its first payment must see the merchant it has not committed yet.
   */
  abstract findByIdIn(tx: InTransaction, merchantId: string): Promise<KnownMerchant | null>;
}
