import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from '@kirim/platform';
import type { SigningKey } from './signing-key';

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the token expires (OAuth 2.0 `expires_in`). */
  readonly expiresIn: number;
}

/** The clock is a port so expiry can be tested without waiting. */
export type Clock = () => Date;

export interface TokenIssuerOptions {
  readonly signingKey: SigningKey;
  readonly ttlSeconds: number;
  readonly clock?: Clock;
}

/**
 * Issues identity's access tokens: ES256, `kid` in the header so verifiers pick the right JWKS
 * key across a rotation, `jti` so a token can be told apart (and later revoked) without its value.
 */
export class TokenIssuer {
  private readonly clock: Clock;

  constructor(private readonly options: TokenIssuerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async issueAccessToken(userId: string): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.clock().getTime() / 1000);
    const accessToken = await new SignJWT({})
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: this.options.signingKey.kid, typ: 'JWT' })
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.options.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.options.signingKey.privateKey);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.options.ttlSeconds };
  }
}
