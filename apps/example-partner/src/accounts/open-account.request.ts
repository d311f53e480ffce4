import { DECIMAL_AMOUNT_PATTERN, E164_PATTERN, HOLDER_NAME_MAX_LENGTH, HOLDER_NAME_PATTERN, Money } from '@kirim/contracts';

/** A validated request to open an account: what the admin API accepts. */
export interface OpenAccountRequest {
  readonly mobile: string;
  readonly holderName: string;
  readonly openingBalance: Money;
}

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: string[] };

const FIELDS = ['mobile', 'holderName', 'openingBalance'];

/**
 * `{ "mobile": "+91...", "holderName": "...", "openingBalance": "100.00" }`; the balance is a decimal
 * string in INR (default "0.00"). Unknown fields are refused, not ignored. Errors name fields and
 * never echo values (a mobile number is personal data).
 */
export function validateOpenAccount(body: unknown): Validated<OpenAccountRequest> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, errors: ['the body must be a JSON object'] };
  const input = body as Record<string, unknown>;
  const errors: string[] = [];
  for (const name of Object.keys(input)) if (!FIELDS.includes(name)) errors.push(`${name}: unknown field`);
  const mobile = input.mobile;
  if (typeof mobile !== 'string' || !E164_PATTERN.test(mobile)) errors.push('mobile: must be an E.164 number, e.g. +919800000001');
  const holderName = typeof input.holderName === 'string' ? input.holderName.trim() : undefined;
  // The name goes out in every lookup answer, so it must be one the wire contract carries: a name
  // the bank accepted but could not send would make the customer's accounts undiscoverable.
  if (holderName === undefined || holderName.length < 1 || holderName.length > HOLDER_NAME_MAX_LENGTH || !HOLDER_NAME_PATTERN.test(holderName)) {
    errors.push(`holderName: must be 1 to ${HOLDER_NAME_MAX_LENGTH} characters of a name (letters, digits, spaces and . , ' & ( ) / -), starting with a letter or digit`);
  }
  const balance = input.openingBalance ?? '0.00';
  let openingBalance: Money | undefined;
  if (typeof balance !== 'string' || !DECIMAL_AMOUNT_PATTERN.test(balance)) errors.push('openingBalance: must be a decimal string with at most 2 fraction digits, e.g. "100.00"');
  else {
    const parsed = Money.parse({ value: balance, currency: 'INR' });
    if (Money.isError(parsed)) errors.push(`openingBalance: ${parsed.reason}`);
    else openingBalance = parsed;
  }
  if (errors.length > 0 || openingBalance === undefined || holderName === undefined) return { ok: false, errors };
  return { ok: true, value: { mobile: mobile as string, holderName, openingBalance } };
}

/** A mobile from a query string. A bare "+" in a URL query decodes to a space; take it back. */
export function validateMobileQuery(value: string | null): Validated<string> {
  if (value === null) return { ok: false, errors: ['mobile: query parameter is required'] };
  const mobile = value.startsWith(' ') ? `+${value.slice(1)}` : value;
  return E164_PATTERN.test(mobile) ? { ok: true, value: mobile } : { ok: false, errors: ['mobile: must be an E.164 number (write "+" as %2B in a URL)'] };
}
