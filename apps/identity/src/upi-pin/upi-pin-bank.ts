import type { ResultCode } from '@kirim/contracts';

/** What the account's bank said to a PIN set or change. */
export type UpiPinBankAnswer =
  | { readonly ok: true; readonly change: 'set' | 'changed' }
  /** The bank holds no such account for PIN changes through kirim (a partner bank sets PINs in its own channels). */
  | { readonly ok: false; readonly kind: 'account-not-found' }
  | { readonly ok: false; readonly kind: 'rejected'; readonly resultCode: ResultCode; readonly detail: string }
  | { readonly ok: false; readonly kind: 'unavailable' };

/**
 * The port to the bank that holds a linked account, for its UPI PIN (bank-connector's sandbox banks;
 * HttpUpiPinBank). identity passes the PIN block through unopened: it cannot read it, and never keeps it.
 */
export abstract class UpiPinBank {
  abstract setPin(accountRef: string, encryptedPin: string): Promise<UpiPinBankAnswer>;
}
