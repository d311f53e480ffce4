import { createHash } from 'node:crypto';
import { Money } from '@kirim/contracts';

/**
 * sha256 of a merchant request in canonical form: keys in a fixed order and amounts in their normal
 * form, so "500" and "500.00" are one request and any real difference is another. Stored beside the
 * order, the refund or the customer's Idempotency-Key, to tell a repeat from a reuse.
 */
export function merchantRequestFingerprint(kind: 'order' | 'refund' | 'order-payment', fields: Readonly<Record<string, Money | string | number | null>>): string {
  const canonical: Record<string, unknown> = { kind };
  for (const name of Object.keys(fields).sort()) {
    const value = fields[name];
    canonical[name] = value instanceof Money ? { currency: value.currency, value: value.toDto().value } : value;
  }
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}
