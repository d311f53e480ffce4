/** A user as a party to a payment: who, and the primary account the money moves from or to. */
export interface PaymentPartyRecord {
  readonly userId: string;
  readonly displayName: string;
  /** Null while the user has linked no account. */
  readonly primaryAccount: { readonly bankCode: string; readonly accountRef: string } | null;
}

/** The payee as the payment names it once addresses are resolved: by phone number, or by user id. */
export type PayeeReference = { readonly phone: string } | { readonly userId: string };

/**
 * Reads the payer and the payee of one payment with their primary accounts (port). It is the
 * hottest read identity serves (once per payment), so it is one read rather than the four of
 * UserRepository and LinkedBankAccountRepository, and it decrypts nothing: a payment needs neither
 * phone number nor holder name.
 */
export abstract class PaymentPartyReader {
  /**
   * The payer by id and the payee by `payee`, null for whoever is not found (a payee phone number
   * that is not E.164 finds nobody). When the payee is the payer, both are the same record.
   */
  abstract read(payerUserId: string, payee: PayeeReference | null): Promise<{ readonly payer: PaymentPartyRecord | null; readonly payee: PaymentPartyRecord | null }>;
}
