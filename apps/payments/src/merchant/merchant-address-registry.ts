/** A merchant's address as payments asks identity to hold it (docs/merchants.md). */
export interface MerchantAddressClaim {
  readonly merchantId: string;
  readonly ownerUserId: string;
  /** The handle alone, lowercase, as checkCustomHandle gave it. */
  readonly handle: string;
}

/**
 * identity's answer:
 * - ok: the address is held for this merchant (now, or already: a retry);
 * - `taken` / `confusable`: a user or another merchant holds it, or a look-alike of it;
 * - `invalid` / `reserved`: identity refuses the handle itself (the shared rules should have caught it here first);
 * - `unavailable`: identity could not be asked, or answered outside the contract.
 */
export type MerchantAddressReservation =
  | { readonly ok: true }
  | { readonly ok: false; readonly refusal: 'taken' | 'confusable' | 'invalid' | 'reserved'; readonly detail: string }
  | { readonly ok: false; readonly refusal: 'unavailable'; readonly reason: string };

/**
 * identity's register of addresses, which holds merchants' too (port): once a merchant's handle is
 * reserved there, no user can take it or a look-alike of it, and payee resolution refuses it as a
 * merchant's rather than paying its owner as a person.
 */
export abstract class MerchantAddressRegistry {
  /** Idempotent per merchant: the same claim again is answered ok. */
  abstract reserve(claim: MerchantAddressClaim): Promise<MerchantAddressReservation>;
}
