import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ALL_SERVICE_PRINCIPALS } from './service-calls';
import type { ServicePrincipal } from '../principals';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The client credentials grant (RFC 6749 §4.4) as JSON: a service names itself, proves it with its
 * secret, and names the one service it wants to call.
 */
export class ServiceTokenRequest {
  @IsIn(ALL_SERVICE_PRINCIPALS, { message: `clientId must be one of ${ALL_SERVICE_PRINCIPALS.join(', ')}` })
  clientId!: ServicePrincipal;

  /** 32 random bytes, base64url: 43 characters. Bounded so a huge body costs nothing to refuse. */
  @IsString()
  @MinLength(32)
  @MaxLength(128)
  clientSecret!: string;

  @IsIn(ALL_SERVICE_PRINCIPALS, { message: `audience must be one of ${ALL_SERVICE_PRINCIPALS.join(', ')}` })
  audience!: ServicePrincipal;
}

export class ServiceTokenResponse {
  @IsString()
  @MaxLength(4096)
  @Matches(JWT_SHAPE)
  accessToken!: string;

  @IsIn(['Bearer'])
  tokenType!: 'Bearer';

  /** Seconds until the token expires (OAuth 2.0 `expires_in`). */
  @IsInt()
  @Min(1)
  @Max(3600)
  expiresIn!: number;
}
