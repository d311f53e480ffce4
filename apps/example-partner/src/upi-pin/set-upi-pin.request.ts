import { isEncryptedPinShape, MAX_ENCRYPTED_PIN_LENGTH } from '@kirim/partner-kit';
import type { Validated } from '../accounts/open-account.request';

/**
 * `{ "encryptedPin": "<compact JWE>" }`: a PIN block the customer's device encrypted for this bank's
 * key (purpose "set-pin" for the first PIN, "change-pin" with the current one after; docs/upi-pin.md).
 * Unknown fields are refused; errors never echo the value.
 */
export function validateSetUpiPin(body: unknown): Validated<{ encryptedPin: string }> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, errors: ['the body must be a JSON object'] };
  const input = body as Record<string, unknown>;
  const errors = Object.keys(input)
    .filter((name) => name !== 'encryptedPin')
    .map((name) => `${name}: unknown field`);
  const encryptedPin = input.encryptedPin;
  if (!isEncryptedPinShape(encryptedPin)) errors.push(`encryptedPin: must be a compact JWE of at most ${MAX_ENCRYPTED_PIN_LENGTH} characters (the PIN block encrypted for this bank)`);
  if (errors.length > 0 || typeof encryptedPin !== 'string') return { ok: false, errors };
  return { ok: true, value: { encryptedPin } };
}
