/**
 * The keys that protect personal data at rest (docs/data-at-rest.md), as they come from the
 * environment, parsed without ever putting a key (or any part of one) into an error message.
 */

/** 256-bit keys: AES-256-GCM key-encryption keys and the HMAC-SHA256 lookup key. */
export const DATA_KEY_BYTES = 32;

/** A key id travels inside every stored value (`kf1.<kid>.…`), so it must not contain the separator. */
export const DATA_KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export type ParsedKeyList = { readonly ok: true; readonly keys: ReadonlyMap<string, Buffer> } | { readonly ok: false; readonly problem: string };

/**
 * `DATA_ENCRYPTION_KEYS`: `kid:base64key[,kid:base64key...]`, each key 32 random bytes in base64 or
 * base64url (`openssl rand -base64 32`). A problem names the position and the rule, never the value.
 */
export function parseDataEncryptionKeyList(text: string): ParsedKeyList {
  const keys = new Map<string, Buffer>();
  const entries = text.split(',').map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    const position = `entry ${index + 1}`;
    const separator = entry.indexOf(':');
    if (separator < 0) return { ok: false, problem: `${position} is not kid:base64key` };
    const kid = entry.slice(0, separator);
    if (!DATA_KEY_ID_PATTERN.test(kid)) return { ok: false, problem: `${position} has a key id that is not 1-32 of A-Z a-z 0-9 _ -` };
    if (keys.has(kid)) return { ok: false, problem: `key id ${kid} is listed twice` };
    const key = decodeKey(entry.slice(separator + 1));
    if (key === null) return { ok: false, problem: `key ${kid} is not ${DATA_KEY_BYTES} bytes of base64` };
    for (const [otherKid, other] of keys) {
      if (other.equals(key)) return { ok: false, problem: `keys ${otherKid} and ${kid} are the same key` };
    }
    keys.set(kid, key);
  }
  return { ok: true, keys };
}

/** A 32-byte key written in base64 or base64url, or null. Whitespace is not allowed inside. */
export function decodeKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null;
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === DATA_KEY_BYTES ? key : null;
}
