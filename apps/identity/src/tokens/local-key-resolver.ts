import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import { loadConfig } from '@kirim/platform';
import { IdentityConfig } from '../identity.config';
import { publishJwks } from './jwks';
import { publishedKeys } from './signing-key';

/**
 * Identity verifies its own tokens (GET /v1/me, ...) against the keys it publishes, in process,
 * rather than fetching its own JWKS over HTTP. AuthModule takes its resolver when the module is
 * declared, before Nest has built the config provider, so the key set is built on first use.
 */
export function identityLocalKeyResolver(): JWTVerifyGetKey {
  let keySet: JWTVerifyGetKey | undefined;
  return (protectedHeader, token) => {
    if (!keySet) {
      const config = loadConfig(IdentityConfig);
      keySet = createLocalJWKSet(publishJwks(publishedKeys(config)));
    }
    return keySet(protectedHeader, token);
  };
}
