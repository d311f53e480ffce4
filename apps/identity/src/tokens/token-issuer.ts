import { SignJWT } from 'jose';
import { Clock, CONFIRMATION_CLAIM, DEVICE_BINDING_CLAIM, DEVICE_BOUND_AT_CLAIM, IdGenerator, JWT_ALGORITHM, JWT_ISSUER, USER_TOKEN_AUDIENCES } from '@kirim/platform';
import type { SigningKey } from './signing-key';

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the token expires (OAuth 2.0 `expires_in`). */
  readonly expiresIn: number;
}

/** The device binding an access token is issued to. */
export interface TokenBinding {
  readonly bindingId: string;
  readonly boundAt: Date;
  /** RFC 7638 thumbprint of the device's public key (`cnf.jkt`, RFC 7800). */
  readonly keyThumbprint: string;
}

export interface TokenIssuerOptions {
  readonly signingKey: SigningKey;
  readonly ttlSeconds: number;
  /** `iat` and `exp` come from it. */
  readonly clock: Clock;
  /** The `jti` of each token. */
  readonly ids: IdGenerator;
}

/**
 * Issues identity's access tokens: ES256, `kid` in the header so verifiers pick the right JWKS key
 * across a rotation, the services a user may call as audiences, `jti` so a token can be told apart
 * without its value, and for a bound device its binding (`did`, `dbt`) and key (`cnf.jkt`).
 */
export class TokenIssuer {
  constructor(private readonly options: TokenIssuerOptions) {}

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /** `binding` is null only for sandbox login (local development). */
  async issueAccessToken(userId: string, binding: TokenBinding | null = null): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.options.clock.now().getTime() / 1000);
    const claims = binding
      ? {
          [DEVICE_BINDING_CLAIM]: binding.bindingId,
          [DEVICE_BOUND_AT_CLAIM]: Math.floor(binding.boundAt.getTime() / 1000),
          [CONFIRMATION_CLAIM]: { jkt: binding.keyThumbprint },
        }
      : {};
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: this.options.signingKey.kid, typ: 'JWT' })
      .setIssuer(JWT_ISSUER)
      .setAudience([...USER_TOKEN_AUDIENCES])
      .setSubject(userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.options.ttlSeconds)
      .setJti(this.options.ids.uuid())
      .sign(this.options.signingKey.privateKey);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.options.ttlSeconds };
  }
}
