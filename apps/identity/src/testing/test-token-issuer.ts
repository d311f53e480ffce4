import { generateKeyPairSync } from 'node:crypto';
import { RandomIdGenerator, SystemClock } from '@kirim/platform';
import { loadSigningKey } from '../tokens/signing-key';
import { TokenIssuer } from '../tokens/token-issuer';

/** A real issuer over a throwaway key: signing is CPU only, so specs need no fake. */
export function testTokenIssuer(): TokenIssuer {
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return new TokenIssuer({ signingKey: loadSigningKey(pem, 'test'), ttlSeconds: 900, clock: new SystemClock(), ids: new RandomIdGenerator() });
}
