import type { JWTVerifyGetKey } from 'jose';
import { IsDefined } from 'class-validator';
import { IsUrlWithProtocol } from '../config/env-validators';
import { loadConfig } from '../config/load-config';

export type JwtKeyResolver = JWTVerifyGetKey;

class JwksConfig {
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['http', 'https'])
  IDENTITY_JWKS_URL!: string;
}

const remoteKeySets = new Map<string, JwtKeyResolver>();

/**
 * One remote JWKS per URL per process: jose caches the keys and rate-limits refetches per instance.
 * jose is loaded on first use, so processes and specs that never verify a token do not load it.
 */
export async function remoteJwtKeyResolver(url: string): Promise<JwtKeyResolver> {
  let keySet = remoteKeySets.get(url);
  if (!keySet) {
    const { createRemoteJWKSet } = await import('jose');
    keySet = createRemoteJWKSet(new URL(url));
    remoteKeySets.set(url, keySet);
  }
  return keySet;
}

export function jwtKeyResolverFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<JwtKeyResolver> {
  return remoteJwtKeyResolver(loadConfig(JwksConfig, env).IDENTITY_JWKS_URL);
}
