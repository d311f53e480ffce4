import { createHash } from 'node:crypto';

/** A fixed random UUID naming the space of merchant ids, so no other name-based id can equal one. */
const MERCHANT_ID_NAMESPACE = '7bc8c201-6cba-4dc1-bbe5-6ae45cf7cb59';

/** RFC 9562 §5.5 (UUID version 5): SHA-1 of the namespace's 16 bytes then the name, with version and variant set. */
export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The id of the merchant a user onboards with a handle: the same for the same request, every time.
 *
 * Why not a random id: onboarding first reserves the handle at identity for the merchant's id
 * (reserve-merchant-address), then stores the merchant here, and the two cannot share a transaction.
 * If payments crashes, or its insert fails, between the two, the reservation stays at identity under
 * this id; the user's retry of the same request then asks identity with the same id, which identity
 * answers as the same reservation, and the merchant is stored. A random id would make the retry a
 * second merchant, refused as "taken" by the first one's reservation, with the handle lost to nobody.
 * (A pending row stored before the reservation would do the same, at the price of a state every
 * merchant query would have to skip.) A merchant id names, it does not authorize (every endpoint
 * taking one checks the caller's right to that merchant), so being derivable from its owner and
 * handle costs nothing. A request with another handle is another merchant: if its first attempt's
 * reservation was left behind, that handle stays held for a merchant that never was (docs/merchants.md).
 */
export function merchantIdFor(ownerUserId: string, handle: string): string {
  return nameBasedUuid(MERCHANT_ID_NAMESPACE, `${ownerUserId.toLowerCase()}/${handle.toLowerCase()}`);
}
