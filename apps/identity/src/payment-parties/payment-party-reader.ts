import type { PayeeLookupBucketPolicy } from '../payees/payee-lookup-bucket';

/** A user as a party to a payment: who, and the primary account the money moves from or to. */
export interface PaymentPartyRecord {
  readonly userId: string;
  readonly displayName: string;
  /** Null while the user has linked no account. */
  readonly primaryAccount: { readonly bankCode: string; readonly accountRef: string } | null;
}

/** The payee as the payment names it once addresses are resolved: by phone number, or by user id. */
export type PayeeReference = { readonly phone: string } | { readonly userId: string };

/** What a lookup costs the payer, taken from their payee-lookup bucket with the read. */
export interface LookupHit {
  readonly cost: number;
  readonly now: Date;
  readonly policy: PayeeLookupBucketPolicy;
}

/**
 * Reads the payer and the payee of one payment with their primary accounts, and pays for the lookup
 * (port). It is the hottest read identity serves (once per payment), so it is one round trip rather
 * than the four of UserRepository and LinkedBankAccountRepository plus the bucket's, and it decrypts
 * nothing: a payment needs neither phone number nor holder name.
 */
export abstract class PaymentPartyReader {
  /**
   * The payer by id and the payee by `payee`, null for whoever is not found (a payee phone number
   * that is not E.164 finds nobody); when the payee is the payer, both are the same record. When
   * the payer is found, `hit.cost` tokens are taken from the payer's bucket as
   * PayeeLookupBucketRepository.take takes them: `hitTaken` is false when it held fewer (nothing
   * taken) or the payer is unknown (nothing asked).
   */
  abstract read(
    payerUserId: string,
    payee: PayeeReference | null,
    hit: LookupHit,
  ): Promise<{ readonly payer: PaymentPartyRecord | null; readonly payee: PaymentPartyRecord | null; readonly hitTaken: boolean }>;
}
