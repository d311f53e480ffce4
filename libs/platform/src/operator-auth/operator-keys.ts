import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Operator keys (docs/operations.md): named, random bearer keys for the operator endpoints
 * (dead letters, stuck payments, reconciliation). A service holds only their SHA-256 digests, in
 * `OPERATOR_KEY_DIGESTS="alice:<sha256hex>,bob:<sha256hex>"`, so reading its environment hands
 * out no key. A plain SHA-256 is enough: a key is 32 random bytes, so there is nothing for a slow
 * password hash to protect against.
 */

/** An operator's name as it appears in logs and in what operators did: lowercase, no spaces. */
export const OPERATOR_NAME_PATTERN = /^[a-z][a-z0-9._-]{0,62}$/;

/** Keys `newOperatorKey` makes: a prefix secret scanners can spot, then 32 random bytes, base64url. */
export const OPERATOR_KEY_PREFIX = 'kop_';

/**
 * What an operator key may look like on the wire. No `.`: a JWT (a user or service token) can never
 * be mistaken for one, and an operator key never has the JWT shape the user and service guards take.
 */
export const OPERATOR_KEY_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

/**
 * Keys one operator may hold at once: the current one and the next while it is rolled out, and
 * some room for a key per device. More is a configuration mistake, not a rotation.
 */
export const MAX_KEYS_PER_OPERATOR = 4;

const DIGEST_ENTRY = /^([^:\s]+):([0-9a-f]{64})$/;

export type ParsedOperatorKeyDigests =
  | { readonly ok: true; readonly digests: ReadonlyMap<string, readonly Buffer[]> }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads `OPERATOR_KEY_DIGESTS`: comma-separated `<operator>:<sha256 hex>` pairs. An operator may be
 * named more than once (several keys, so a key is rotated without downtime: add the new digest,
 * hand out the key, remove the old digest). Empty means no operator: the endpoints are disabled.
 * The reason never quotes a digest.
 */
export function parseOperatorKeyDigests(value: string): ParsedOperatorKeyDigests {
  const digests = new Map<string, Buffer[]>();
  const owners = new Map<string, string>();
  const entries = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  for (const [index, entry] of entries.entries()) {
    const match = DIGEST_ENTRY.exec(entry);
    if (!match) return { ok: false, reason: `entry ${index + 1} is not <operator>:<sha256 hex of the key> (64 lowercase hex digits)` };
    const [, name, hex] = match;
    if (!OPERATOR_NAME_PATTERN.test(name)) {
      return { ok: false, reason: `entry ${index + 1}: the operator name must be 1 to 63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter` };
    }
    const owner = owners.get(hex);
    if (owner !== undefined) {
      return { ok: false, reason: owner === name ? `names the same key twice for ${name}` : `gives one key to two operators (${owner} and ${name}): a key must name one person` };
    }
    owners.set(hex, name);
    const known = digests.get(name) ?? [];
    if (known.length === MAX_KEYS_PER_OPERATOR) return { ok: false, reason: `gives ${name} more than ${MAX_KEYS_PER_OPERATOR} keys` };
    digests.set(name, [...known, Buffer.from(hex, 'hex')]);
  }
  return { ok: true, digests };
}

export function operatorKeyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** A new operator key and the digest entry a service is given for it (tools/operator `new-key`). */
export function newOperatorKey(operator: string): { readonly key: string; readonly digestEntry: string } {
  if (!OPERATOR_NAME_PATTERN.test(operator)) throw new Error('the operator name must be 1 to 63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter');
  const key = `${OPERATOR_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, digestEntry: `${operator}:${operatorKeyDigest(key).toString('hex')}` };
}

/** The operators a service knows, by the digests of their keys. */
export class OperatorKeyring {
  private readonly entries: readonly { readonly operator: string; readonly digest: Buffer }[];

  constructor(digests: ReadonlyMap<string, readonly Buffer[]>) {
    this.entries = [...digests.entries()].flatMap(([operator, list]) => list.map((digest) => ({ operator, digest })));
  }

  /** No operator is configured: the operator endpoints are disabled. */
  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  get operatorNames(): readonly string[] {
    return [...new Set(this.entries.map((entry) => entry.operator))].sort();
  }

  /**
   * The operator whose key this is, or null. Every digest is compared, in constant time, whatever
   * matched before: the time taken says nothing about which key or how much of it was right.
   */
  operatorOf(presentedKey: string): string | null {
    const presented = operatorKeyDigest(presentedKey);
    let found: string | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && found === null) found = entry.operator;
    }
    return found;
  }
}
