import { createHash } from 'node:crypto';
import { Money, MoneyDto } from '@kirim/contracts';

/** 1..64 characters of [A-Za-z0-9_-]: enough for a uuid or a ULID, nothing that needs escaping. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  return IDEMPOTENCY_KEY_PATTERN.test(header) ? header : null;
}

export type AmountCheck =
  | { readonly ok: true; readonly amount: Money }
  | { readonly ok: false; readonly reason: 'invalid' | 'out-of-range'; readonly detail: string };

/**
 * Parses a wire amount (never through a float) and checks it is positive. The upper limits are the
 * scheme profile's (apps/payments/src/limits), checked after an idempotent replay is ruled out.
 */
export function checkPaymentAmount(input: MoneyDto): AmountCheck {
  const parsed = Money.parse(input);
  if (Money.isError(parsed)) return { ok: false, reason: 'invalid', detail: parsed.reason };
  if (!parsed.isPositive()) return { ok: false, reason: 'out-of-range', detail: 'The amount must be greater than zero.' };
  return { ok: true, amount: parsed };
}

/** The payee is named by exactly one of phone number and payment address, as the request named them. */
export type FingerprintedRequest = {
  readonly amount: Money;
  readonly note: string | null;
  /** What a gated payment is for (PaymentGate.subject); absent for a plain payment. */
  readonly subject?: string;
} & ({ readonly payeePhone: string; readonly payeeAddress?: undefined } | { readonly payeeAddress: string; readonly payeePhone?: undefined });

/**
 * sha256 of the canonical request body: keys in a fixed order and the amount in its normal form,
 * so "500" and "500.00" (the same payment) share a fingerprint and any real difference does not.
 * The encrypted PIN is left out on purpose: a client retrying with a freshly encrypted PIN sends the
 * same request, and the fingerprint (stored with the idempotency key) must not derive from the PIN.
 */
export function requestFingerprint(request: FingerprintedRequest): string {
  const amount = request.amount.toDto();
  const canonical = JSON.stringify({
    amount: { currency: amount.currency, value: amount.value },
    note: request.note,
    // A phone keeps the shape fingerprints had before addresses, so stored keys still match their
    // retries; an address is compared without case, as identity resolves it.
    payee: request.payeePhone !== undefined ? { phone: request.payeePhone } : { address: request.payeeAddress.toLowerCase() },
    // Only when given, so a plain payment's fingerprint keeps its shape and stored keys still match.
    ...(request.subject !== undefined ? { subject: request.subject } : {}),
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
