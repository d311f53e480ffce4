import { createHash } from 'node:crypto';
import type { LegPurpose, Money } from '@kirim/contracts';
import type { LegDirection } from '../requests/partner-request';

/** What makes two leg requests the same request: everything but the envelope (ce_id, ce_time) and the JWE's randomness. */
export interface LegContent {
  readonly direction: LegDirection;
  readonly requestId: string;
  readonly paymentId: string;
  readonly txnId: string;
  readonly purpose: LegPurpose;
  readonly bankCode: string;
  readonly amount: Money;
  /** Decrypted: the same account encrypted twice gives two different JWEs. */
  readonly accountRef: string;
}

const FINGERPRINT_VERSION = 'kirim-partner-leg-v1';

/**
 * A leg request's content as `v1:<base64url SHA-256>`, for the bank to store beside its answer.
 * A repeat of the requestId with an equal fingerprint is the same request (answer it again, move
 * nothing); with another fingerprint it is a reuse with other content (refuse it, never answer).
 * The amount enters as minor units, so "60" and "60.00" are the same amount.
 */
export function fingerprintLeg(content: LegContent): string {
  const canonical = JSON.stringify([
    FINGERPRINT_VERSION,
    content.direction,
    content.requestId.toLowerCase(),
    content.paymentId.toLowerCase(),
    content.txnId,
    content.purpose,
    content.bankCode,
    content.amount.currency,
    content.amount.minorUnits.toString(),
    content.accountRef,
  ]);
  return `v1:${createHash('sha256').update(canonical).digest('base64url')}`;
}

/** The fields that differ between two contents, for a refusal reason (names only, never values). */
export function differingLegFields(a: LegContent, b: LegContent): string[] {
  const fields: string[] = [];
  if (a.direction !== b.direction) fields.push('direction');
  if (a.paymentId.toLowerCase() !== b.paymentId.toLowerCase()) fields.push('paymentId');
  if (a.txnId !== b.txnId) fields.push('txnId');
  if (a.purpose !== b.purpose) fields.push('purpose');
  if (a.bankCode !== b.bankCode) fields.push('bankCode');
  if (a.amount.currency !== b.amount.currency || a.amount.minorUnits !== b.amount.minorUnits) fields.push('amount');
  if (a.accountRef !== b.accountRef) fields.push('account');
  return fields;
}
