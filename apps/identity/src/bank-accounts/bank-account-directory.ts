/** An account some bank holds for a mobile number, as bank-connector describes it. */
export interface DiscoverableBankAccount {
  readonly accountRef: string;
  readonly bankCode: string;
  readonly bankName: string;
  readonly maskedAccountNumber: string;
}

export type BankAccountDiscovery =
  | { readonly ok: true; readonly accounts: readonly DiscoverableBankAccount[] }
  /** bank-connector did not answer usefully (down, timed out, 5xx, malformed reply): an outage, retryable. */
  | { readonly ok: false; readonly reason: 'unavailable' };

/**
 * Port to the banks' account directory (bank-connector over HTTP today). The caller's bearer
 * token is forwarded so bank-connector authorizes the lookup as that user.
 */
export abstract class BankAccountDirectory {
  abstract findAccountsByMobile(mobile: string, bearerToken: string): Promise<BankAccountDiscovery>;
}
