/** An account some bank holds for a mobile number, as bank-connector describes it. */
export interface DiscoverableBankAccount {
  readonly accountRef: string;
  readonly bankCode: string;
  readonly bankName: string;
  readonly maskedAccountNumber: string;
  /** The account holder's name as the bank registered it: what payers are shown (masked) before paying. */
  readonly holderName: string;
}

export type BankAccountDiscovery =
  | { readonly ok: true; readonly accounts: readonly DiscoverableBankAccount[] }
  /** bank-connector did not answer usefully (down, timed out, 5xx, malformed reply): an outage, retryable. */
  | { readonly ok: false; readonly reason: 'unavailable' };

/**
 * Port to the banks' account directory (bank-connector's internal operation, asked with identity's
 * own service credentials: never with the user's token).
 */
export abstract class BankAccountDirectory {
  abstract findAccountsByMobile(mobile: string): Promise<BankAccountDiscovery>;
}
