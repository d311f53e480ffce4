import type { JWK } from 'jose';
import { JWT_ALGORITHM } from '@kirim/platform';
import type { SigningKey } from './signing-key';

export interface JsonWebKeySet {
  readonly keys: JWK[];
}

/**
 * The public half of each signing key, as RFC 7517 JWKs. Only the current key for now; a
 * rotation will publish the next key here before it signs anything, and the old one until its
 * last token expires.
 */
export function publishJwks(signingKeys: readonly SigningKey[]): JsonWebKeySet {
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
