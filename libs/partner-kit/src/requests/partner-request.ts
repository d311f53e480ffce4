import type { LegPurpose, Money } from '@kirim/contracts';

/** Where a record was read: the topic as named on the broker (with any prefix), partition and offset. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function samePosition(a: RecordPosition, b: RecordPosition): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

export function describePosition(position: RecordPosition): string {
  return `${position.topic}[${position.partition}]@${position.offset}`;
}

/** A record as the kit reads it, whatever the Kafka client: the headers as text. */
export interface ConsumedRecord {
  readonly position: RecordPosition;
  readonly key: string | null;
  readonly value: Uint8Array | null;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** The CloudEvents attributes of an admitted request. */
export interface RequestEnvelope {
  readonly ceId: string;
  readonly ceType: string;
  readonly ceTime: string;
  readonly traceparent?: string;
  readonly position: RecordPosition;
}

export type LegDirection = 'debit' | 'credit';

/**
 * A verified, decrypted debit or credit request, as the bank's code sees it. `amount` is integer
 * minor units (bigint) with its currency; `accountRef` is the bank's own reference, in clear only
 * here, inside the bank. `fingerprint` identifies the content (see leg-fingerprint.ts): the bank
 * stores it with the answer so a reuse of `requestId` with other content can be told apart.
 */
export interface LegRequest {
  readonly kind: 'leg';
  readonly direction: LegDirection;
  readonly requestId: string;
  readonly paymentId: string;
  readonly txnId: string;
  readonly purpose: LegPurpose;
  readonly bankCode: string;
  readonly amount: Money;
  readonly accountRef: string;
  readonly fingerprint: string;
  /**
   * On a debit kirim has not sent before: the payer's UPI PIN block, a compact JWE the device made
   * for this bank's encryption key, unopened (docs/upi-pin.md; UpiPinCheck opens and checks it).
   * Absent on credits and on a status check's re-send of a debit. Not part of the fingerprint: the
   * same request may come with a new block or none, and is still the same request.
   */
  readonly encryptedPin?: string;
  readonly envelope: RequestEnvelope;
}

/** A verified, decrypted account lookup: which accounts does the bank hold for `mobile` (E.164)? */
export interface AccountLookupRequest {
  readonly kind: 'account-lookup';
  readonly lookupId: string;
  readonly bankCode: string;
  readonly mobile: string;
  readonly envelope: RequestEnvelope;
}

export type PartnerRequest = LegRequest | AccountLookupRequest;
