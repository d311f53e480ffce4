/**
 * Makes what the messaging layer sets aside (dead letters, quarantined outbox rows) safe to keep in
 * PostgreSQL for as long as an operator needs.
 */

/**
 * The UPI PIN block's field (`bank.debit.requested.v1`, `partner.debit.requested.v1`). A set-aside
 * message is kept for days, while a PIN block may exist only in flight (docs/upi-pin.md), so it is
 * never stored. A replayed or requeued debit then carries no PIN, and the bank declines it U30: money
 * never moves on a stale PIN, and the payment ends as a declined debit the payer can retry.
 */
const PIN_BLOCK_FIELD = 'encryptedPin';

/** Text and jsonb in PostgreSQL cannot hold U+0000; one in an untrusted record must not block a partition. */
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;

export interface StorableCopy<T> {
  readonly value: T;
  /** A PIN block was taken out. */
  readonly pinRemoved: boolean;
  /** Something else had to change (a NUL character): the copy is no longer the message that was sent. */
  readonly altered: boolean;
}

/** A deep copy of a JSON value without PIN blocks (at any depth) and without NUL characters. */
export function storableCopy<T>(value: T): StorableCopy<T> {
  const state = { pinRemoved: false, altered: false };
  const copy = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const clean = node.replace(NUL, '');
      if (clean !== node) state.altered = true;
      return clean;
    }
    if (Array.isArray(node)) return node.map(copy);
    if (node === null || typeof node !== 'object') return node;
    // Through toJSON first (Date, class instances) so the copy is what JSON would hold.
    const plain = typeof (node as { toJSON?: unknown }).toJSON === 'function' ? (node as { toJSON(): unknown }).toJSON() : node;
    if (plain !== node) return copy(plain);
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      if (key === PIN_BLOCK_FIELD) {
        state.pinRemoved = true;
        continue;
      }
      if (child === undefined) continue;
      const cleanKey = key.replace(NUL, '');
      if (cleanKey !== key) state.altered = true;
      result[cleanKey] = copy(child);
    }
    return result;
  };
  return { value: copy(value) as T, ...state };
}

/** Untrusted text (a header, an error message) as it can be stored: no NUL, at most `maxLength` characters. */
export function storableText(text: string, maxLength: number): string {
  return text.replace(NUL, '').slice(0, maxLength);
}
