/** A bank account linked to a user; `accountRef` is bank-connector's opaque id, never the account number. */
export interface LinkedBankAccount {
  readonly id: string;
  readonly userId: string;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  /**
   * The account holder's name as the bank registered it (shown masked to payers, payees/); null for an
   * account linked before banks' names were recorded. Personal data: never logged, never in events.
   */
  readonly holderName: string | null;
  /** The bank's name as bank-connector gave it when linking; null for accounts linked before it was recorded. */
  readonly bankName: string | null;
  readonly isPrimary: boolean;
  readonly linkedAt: Date;
}
