import { createHash } from 'node:crypto';
import { Money, MoneyDto } from '@kirim/contracts';

/**
 * UPI's per-transaction limit for P2P payments: ₹1,00,000 (NPCI). Configurable as
 * PAYMENT_MAX_AMOUNT_MINOR so other scheme profiles can set theirs.
 */
export const DEFAULT_PAYMENT_MAX_AMOUNT_MINOR = 10_000_000n;

/** 1..64 characters of [A-Za-z0-9_-]: enough for a uuid or a ULID, nothing that needs escaping. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  return IDEMPOTENCY_KEY_PATTERN.test(header) ? header : null;
}

export type AmountCheck =
  | { readonly ok: true; readonly amount: Money }
  | { readonly ok: false; readonly reason: 'invalid' | 'out-of-range'; readonly detail: string };

/** Parses a wire amount (never through a float) and checks it is positive and within the limit. */
export function checkPaymentAmount(input: MoneyDto, maxMinorUnits: bigint): AmountCheck {
  const parsed = Money.parse(input);
  if (Money.isError(parsed)) return { ok: false, reason: 'invalid', detail: parsed.reason };
  if (!parsed.isPositive()) return { ok: false, reason: 'out-of-range', detail: 'The amount must be greater than zero.' };
  if (parsed.minorUnits > maxMinorUnits) {
    const max = Money.ofMinor(maxMinorUnits, parsed.currency).toString();
    return { ok: false, reason: 'out-of-range', detail: `The amount exceeds the per-transaction limit of ${max}.` };
  }
  return { ok: true, amount: parsed };
}

export interface FingerprintedRequest {
  readonly payeePhone: string;
  readonly amount: Money;
  readonly note: string | null;
}

/**
 * sha256 of the canonical request body: keys in a fixed order and the amount in its normal form,
 * so "500" and "500.00" (the same payment) share a fingerprint and any real difference does not.
 */
export function requestFingerprint(request: FingerprintedRequest): string {
  const amount = request.amount.toDto();
  const canonical = JSON.stringify({
    amount: { currency: amount.currency, value: amount.value },
    note: request.note,
    payee: { phone: request.payeePhone },
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
