/** Identifier formats shared by every service and partner. Each pattern cites where it comes from. */

/** ITU-T E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/;

/** UPI virtual payment address `handle@psp`: at most 255 characters; handle of letters, digits, '.', '-', '_'. */
export const PAYMENT_ADDRESS_PATTERN = /^(?=.{3,255}$)[A-Za-z0-9._-]+@[A-Za-z0-9]+$/;

/** kirim's PSP handle: the part after '@' of every address kirim issues, as `@okaxis` is a PSP's in UPI. */
export const KIRIM_PSP_HANDLE = 'kirim';

/** The bounds of a handle kirim issues (the part before '@'); UPI allows longer, kirim keeps them short enough to read aloud. */
export const PAYMENT_HANDLE_MIN_LENGTH = 3;
export const PAYMENT_HANDLE_MAX_LENGTH = 50;

/**
 * A handle kirim issues: lowercase letters, digits and the separators '.', '-', '_' (UPI's handle
 * charset, narrowed to lowercase so case cannot make two handles look alike), starting and ending
 * with a letter or digit, never two separators in a row. Anything outside ASCII is refused here,
 * which rules out Unicode homoglyphs before the confusable check sees the handle.
 */
export const PAYMENT_HANDLE_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** UPI transaction id: 35 alphanumeric characters, starting with the PSP's 3-character prefix. */
export const UPI_TXN_ID_PATTERN = /^[A-Z0-9]{35}$/;

/** Retrieval reference number assigned by the remitter bank once the debit is made: 12 digits. */
export const RRN_PATTERN = /^\d{12}$/;

/** Sandbox and partner bank codes: four capital letters, like the bank part of an IFSC. */
export const BANK_CODE_PATTERN = /^[A-Z]{4}$/;

/** Masked account number as shown to users: only the last four digits in clear. */
export const MASKED_ACCOUNT_PATTERN = /^X+\d{4}$/;

/**
 * An account holder's name as a bank registered it: letters of any script, combining marks, digits,
 * spaces and the punctuation personal and business names carry (". , ' & ( ) / -", as in
 * "M/s Rao & Sons (P) Ltd."), starting with a letter or digit; no control or format characters. At
 * most HOLDER_NAME_MAX_LENGTH characters, as a bank's name field.
 */
export const HOLDER_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} .,'&()/-]*$/u;
export const HOLDER_NAME_MAX_LENGTH = 100;

export function maskAccountNumber(accountNumber: string): string {
  return `${'X'.repeat(Math.max(accountNumber.length - 4, 2))}${accountNumber.slice(-4)}`;
}

/** A merchant's (or a person's) own id for an order, a refund or a collect request: unique per merchant or per person. */
export const MERCHANT_REFERENCE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
