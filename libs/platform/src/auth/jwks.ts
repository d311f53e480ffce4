import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { IsBoolean, IsDefined, IsIn } from 'class-validator';
import { NODE_ENVS, NodeEnv } from '../config/base-service.config';
import { EnvBoolean } from '../config/env-validators';
import { loadConfig } from '../config/load-config';
import { IsIdentityUrl } from './identity-url';

export type JwtKeyResolver = JWTVerifyGetKey;

/** Where a verifier learns identity's keys and revocations; the same rules as BaseServiceConfig. */
export class IdentityTrustConfig {
  @IsIn(NODE_ENVS, { message: `$property must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  @IsDefined({ message: '$property is required' })
  @IsIdentityUrl()
  IDENTITY_JWKS_URL!: string;

  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  IDENTITY_HTTP_ALLOWED = false;
}

const remoteKeySets = new Map<string, JwtKeyResolver>();

/**
 * One remote JWKS per URL per process: jose caches the keys and rate-limits refetches per instance.
 * A token whose `kid` is not cached makes jose refetch (at most every 30 s), so a key published
 * during a rotation is picked up without a restart.
 */
export async function remoteJwtKeyResolver(url: string): Promise<JwtKeyResolver> {
  let keySet = remoteKeySets.get(url);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url));
    remoteKeySets.set(url, keySet);
  }
  return keySet;
}

export function jwtKeyResolverFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<JwtKeyResolver> {
  return remoteJwtKeyResolver(loadConfig(IdentityTrustConfig, env).IDENTITY_JWKS_URL);
}
