import { SignJWT } from 'jose';
import { SERVICE_CLIENT_CLAIM, serviceAudience, ServicePrincipal } from '@kirim/contracts';
import { Clock, IdGenerator, JWT_ALGORITHM, JWT_ISSUER } from '@kirim/platform';
import type { SigningKey } from '../tokens/signing-key';
import { MintedServiceToken, ServiceTokenMinter } from './service-token-minter';

/**
 * Five minutes: long enough that a busy caller asks identity once per few thousand calls, short
 * enough that a leaked token is soon worthless and a rotated secret takes effect quickly.
 */
export const SERVICE_TOKEN_TTL_SECONDS = 300;

/**
 * A service token: `sub` and `client_id` (RFC 9068 §2.2) name the calling service, `aud` the one
 * service it may call. No `did`/`cnf`: nothing about a user or device, so no user-facing guard
 * accepts it (their `sub` must be a user id) and no internal guard accepts a user token (no `client_id`).
 */
export class JwtServiceTokenMinter extends ServiceTokenMinter {
  constructor(
    private readonly currentKey: () => SigningKey,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    super();
  }

  async mint(client: ServicePrincipal, audience: ServicePrincipal): Promise<MintedServiceToken> {
    const key = this.currentKey();
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const accessToken = await new SignJWT({ [SERVICE_CLIENT_CLAIM]: client })
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(JWT_ISSUER)
      .setSubject(client)
      .setAudience(serviceAudience(audience))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + SERVICE_TOKEN_TTL_SECONDS)
      .setJti(this.ids.uuid())
      .sign(key.privateKey);
    return { accessToken, expiresIn: SERVICE_TOKEN_TTL_SECONDS };
  }
}
