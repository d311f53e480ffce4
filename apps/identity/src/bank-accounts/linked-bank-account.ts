/** A bank account linked to a user; `accountRef` is bank-connector's opaque id, never the account number. */
export interface LinkedBankAccount {
  readonly id: string;
  readonly userId: string;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  readonly isPrimary: boolean;
  readonly linkedAt: Date;
}
