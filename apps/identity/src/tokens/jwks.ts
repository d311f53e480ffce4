import type { JWK } from 'jose';
import { JWT_ALGORITHM } from '@kirim/platform';
import type { PublishedKey } from './signing-key';

export interface JsonWebKeySet {
  readonly keys: JWK[];
}

/**
 * The public half of each key, as RFC 7517 JWKs: the signing key, and during a rotation the next
 * key (before it signs anything) or the previous one (until its last token expires).
 */
export function publishJwks(signingKeys: readonly PublishedKey[]): JsonWebKeySet {
  return {
    keys: signingKeys.map((key) => {
      const { kty, crv, x, y } = key.publicKey.export({ format: 'jwk' });
      if (kty !== 'EC' || crv === undefined || x === undefined || y === undefined) {
        throw new Error(`signing key ${key.kid} did not export as an EC public JWK`);
      }
      return { kty, crv, x, y, kid: key.kid, alg: JWT_ALGORITHM, use: 'sig' };
    }),
  };
}
