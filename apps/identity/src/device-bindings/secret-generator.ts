import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** Unguessable one-time secrets (binding tokens, refresh tokens), behind a port for unit tests. */
export abstract class SecretGenerator {
  /** 32 random bytes, base64url (43 characters): short enough for one SMS. */
  abstract bindingToken(): string;

  /** An opaque refresh token: 32 random bytes, base64url, with a recognisable prefix. */
  abstract refreshToken(): string;
}

@Injectable()
export class RandomSecretGenerator extends SecretGenerator {
  bindingToken(): string {
    return randomBytes(32).toString('base64url');
  }

  refreshToken(): string {
    return `krt_${randomBytes(32).toString('base64url')}`;
  }
}

/**
 * What is stored instead of a secret. Plain SHA-256 is enough here: the secrets are 256 random
 * bits, so there is nothing to brute-force (unlike a phone number or a PIN).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The `rth` claim of a refresh proof: SHA-256 of the refresh token, base64url. */
export function refreshTokenProofHash(refreshToken: string): string {
  return createHash('sha256').update(refreshToken, 'utf8').digest('base64url');
}
