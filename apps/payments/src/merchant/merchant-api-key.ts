import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Merchant API keys (docs/merchants.md): `kmk_` and 32 random bytes in base64url, shown once. The
 * service keeps the first 12 characters after the prefix, to find the key's row, and the SHA-256 of
 * the whole key. A fast hash is enough here, as for GitHub's or Stripe's tokens: 256 random bits
 * cannot be guessed from a digest, so a slow password hash would only slow every merchant request.
 */
export const MERCHANT_API_KEY_PREFIX = 'kmk_';

/** `kmk_` + 43 base64url characters (32 bytes). A JWT (three dot-separated parts) never matches. */
export const MERCHANT_API_KEY_PATTERN = /^kmk_[A-Za-z0-9_-]{43}$/;

/** Characters after `kmk_` kept in clear to look the key up: 72 bits, so rows never share one in practice. */
export const MERCHANT_API_KEY_LOOKUP_LENGTH = 12;

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/** A merchant key's parts: what finds its row and what its digest is checked against. */
export interface PresentedMerchantKey {
  readonly lookupPrefix: string;
  readonly digest: string;
}

/** Where new keys' randomness comes from: a port, so unit tests get known keys. */
export abstract class MerchantApiKeySource {
  abstract newKey(): string;
}

export class RandomMerchantApiKeySource extends MerchantApiKeySource {
  newKey(): string {
    return `${MERCHANT_API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  }
}

/** The lookup prefix and digest of a well-formed key; null for anything else (a JWT, a typo, nothing). */
export function presentedMerchantKey(key: string): PresentedMerchantKey | null {
  if (!MERCHANT_API_KEY_PATTERN.test(key)) return null;
  return { lookupPrefix: lookupPrefixOf(key), digest: merchantKeyDigest(key) };
}

/** The key of an `Authorization: Bearer kmk_...` header; null when the header carries none. */
export function bearerMerchantKeyOf(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  return match && MERCHANT_API_KEY_PATTERN.test(match[1]) ? match[1] : null;
}

export function lookupPrefixOf(key: string): string {
  return key.slice(MERCHANT_API_KEY_PREFIX.length, MERCHANT_API_KEY_PREFIX.length + MERCHANT_API_KEY_LOOKUP_LENGTH);
}

export function merchantKeyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether two hex digests are equal, in time independent of where they differ. */
export function digestsEqual(presented: string, stored: string): boolean {
  const a = Buffer.from(presented, 'hex');
  const b = Buffer.from(stored, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
