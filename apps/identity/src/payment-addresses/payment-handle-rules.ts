import { KIRIM_PSP_HANDLE, PAYMENT_ADDRESS_PATTERN, PAYMENT_HANDLE_MIN_LENGTH } from '@kirim/contracts';

/*
 * The rules every issuer of kirim addresses shares (reserved handles, look-alike skeletons, custom
 * handle checks) live in libs/contracts (values/payment-handle-rules.ts): identity issues users'
 * addresses and payments merchants'. Re-exported here so identity's code reads them from its feature.
 * What follows them is identity's alone: default handles from phone numbers, and parsing an address
 * a payer typed.
 */
export { checkCustomHandle, handleSkeleton, RESERVED_FRAGMENTS, RESERVED_HANDLES } from '@kirim/contracts';
export type { HandleCheck, HandleRefusal } from '@kirim/contracts';

/** The scheme's country: its numbers get a default handle of the national number alone, as UPI apps do (`9876543210@psp`). */
export const DEFAULT_ADDRESS_COUNTRY_CODE = '91';

/**
 * The handles to try, in order, for the default address of an E.164 number: the national number
 * for an Indian number (+91 98765 43210 -> 9876543210), then all the digits with the country code
 * (919876543210), which no other number has. The first is not unique across countries (+98 76543210
 * is also "9876543210"), hence the second. Custom handles need a letter, so they never take these.
 */
export function defaultHandleCandidates(e164Phone: string): string[] {
  const digits = e164Phone.replace(/^\+/, '');
  const national = digits.startsWith(DEFAULT_ADDRESS_COUNTRY_CODE) ? digits.slice(DEFAULT_ADDRESS_COUNTRY_CODE.length) : null;
  return national !== null && national.length >= PAYMENT_HANDLE_MIN_LENGTH ? [national, digits] : [digits];
}

export type ParsedAddress = { readonly ok: true; readonly handle: string } | { readonly ok: false; readonly reason: 'malformed' | 'other-psp' };

/**
 * A `handle@psp` a payer typed, for resolution: the UPI format (letters, digits, '.', '-', '_'),
 * compared without case. An address at another PSP is well-formed but not kirim's to resolve.
 */
export function parsePaymentAddress(address: string): ParsedAddress {
  if (!PAYMENT_ADDRESS_PATTERN.test(address)) return { ok: false, reason: 'malformed' };
  const at = address.lastIndexOf('@');
  if (address.slice(at + 1).toLowerCase() !== KIRIM_PSP_HANDLE) return { ok: false, reason: 'other-psp' };
  return { ok: true, handle: address.slice(0, at).toLowerCase() };
}
