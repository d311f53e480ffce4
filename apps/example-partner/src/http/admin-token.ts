import { createHash, timingSafeEqual } from 'node:crypto';

export const PARTNER_ADMIN_TOKEN_HEADER = 'x-partner-admin-token';

/**
 * Compares in constant time. Both sides are hashed first so that neither the length nor the first
 * differing byte of the configured token can be learned from response times.
 */
export function adminTokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string' || expected === '') return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
