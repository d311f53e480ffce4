/** Identifier formats shared by every service and partner. Each pattern cites where it comes from. */

/** ITU-T E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/;

/** UPI virtual payment address `handle@psp`: at most 255 characters; handle of letters, digits, '.', '-', '_'. */
export const PAYMENT_ADDRESS_PATTERN = /^(?=.{3,255}$)[A-Za-z0-9._-]+@[A-Za-z0-9]+$/;

/** UPI transaction id: 35 alphanumeric characters, starting with the PSP's 3-character prefix. */
export const UPI_TXN_ID_PATTERN = /^[A-Z0-9]{35}$/;

/** Retrieval reference number assigned by the remitter bank once the debit is made: 12 digits. */
export const RRN_PATTERN = /^\d{12}$/;

/** Sandbox and partner bank codes: four capital letters, like the bank part of an IFSC. */
export const BANK_CODE_PATTERN = /^[A-Z]{4}$/;

/** Masked account number as shown to users: only the last four digits in clear. */
export const MASKED_ACCOUNT_PATTERN = /^X+\d{4}$/;

export function maskAccountNumber(accountNumber: string): string {
  return `${'X'.repeat(Math.max(accountNumber.length - 4, 2))}${accountNumber.slice(-4)}`;
}
