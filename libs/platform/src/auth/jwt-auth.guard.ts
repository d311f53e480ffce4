import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify } from 'jose';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '../http/problem-details';
import { DeviceBindingRevocations } from './device-binding-revocations';
import {
  AuthenticatedUser,
  CONFIRMATION_CLAIM,
  DEVICE_BINDING_CLAIM,
  DEVICE_BOUND_AT_CLAIM,
  JWT_ALGORITHM,
  JWT_ISSUER,
  JWT_KEY_RESOLVER,
  JWT_SERVICE_AUDIENCE,
  MAX_ACCESS_TOKEN_TTL_SECONDS,
} from './jwt.constants';
import type { JwtKeyResolver } from './jwks';
import { VerifiedTokenCache } from './verified-token-cache';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** The JWT of an `Authorization: Bearer <jwt>` header, or null when the header is not one (user and service guards alike). */
export function bearerJwtOf(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  return match ? match[1] : null;
}
/** An RFC 7638 SHA-256 thumbprint, base64url without padding. */
const JWK_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

interface RequestWithUser {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

function unauthenticated(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, detail);
}

/**
 * Verifies identity's access token and puts the user on the request for `@CurrentUser()`: ES256,
 * identity as issuer, this service among the audiences, `exp`, `iat` and `jti` present, a lifetime
 * of at most MAX_ACCESS_TOKEN_TTL_SECONDS, and for a device-bound token a binding that has not been
 * revoked (docs/device-binding.md).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly verifiedTokens = new VerifiedTokenCache();

  constructor(
    @Inject(JWT_KEY_RESOLVER) private readonly keys: JwtKeyResolver,
    @Inject(JWT_SERVICE_AUDIENCE) private readonly audience: string,
    private readonly revocations: DeviceBindingRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    request.user = await this.authenticate(request.headers['authorization']);
    return true;
  }

  async authenticate(header: string | string[] | undefined): Promise<AuthenticatedUser> {
    if (header === undefined || header === '') throw unauthenticated('The Authorization header is missing.');
    const token = bearerJwtOf(header);
    if (token === null) throw unauthenticated('The Authorization header must be "Bearer <token>".');

    let sub: string | undefined;
    let claims: Record<string, unknown> = {};
    try {
      const payload = await this.verifiedTokens.verified(token, (unverified) =>
        jwtVerify(unverified, this.keys, {
          issuer: JWT_ISSUER,
          audience: this.audience,
          algorithms: [JWT_ALGORITHM],
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        }),
      );
      sub = payload.sub;
      claims = payload;
    } catch (error: unknown) {
      if (isKeySourceFailure(error)) {
        // Identity's JWKS is unreachable: an outage, not a bad token, so the client should retry, not re-login.
        throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'Tokens cannot be verified right now.');
      }
      throw unauthenticated(describeJoseError(error));
    }
    if (sub === undefined || !UUID.test(sub)) throw unauthenticated('The token subject is not a user id.');
    if (typeof claims['jti'] !== 'string' || claims['jti'].length === 0) throw unauthenticated('The token claim "jti" is not valid.');
    const { iat, exp } = claims;
    // A token living longer than any issuer may configure is refused: revocation is bounded by it.
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > MAX_ACCESS_TOKEN_TTL_SECONDS) {
      throw unauthenticated('The token lives longer than an access token may.');
    }
    const deviceBindingId = claims[DEVICE_BINDING_CLAIM];
    const deviceBoundAt = claims[DEVICE_BOUND_AT_CLAIM];
    // Only sandbox-login tokens (local development; identity refuses to start with it in production) carry no binding.
    if (deviceBindingId === undefined && deviceBoundAt === undefined) return { userId: sub, deviceBindingId: null, deviceBoundAt: null };
    if (typeof deviceBindingId !== 'string' || !UUID.test(deviceBindingId)) throw unauthenticated(`The token claim "${DEVICE_BINDING_CLAIM}" is not valid.`);
    if (typeof deviceBoundAt !== 'number' || !Number.isSafeInteger(deviceBoundAt) || deviceBoundAt <= 0) {
      throw unauthenticated(`The token claim "${DEVICE_BOUND_AT_CLAIM}" is not valid.`);
    }
    const confirmation = claims[CONFIRMATION_CLAIM] as { jkt?: unknown } | undefined;
    if (typeof confirmation !== 'object' || confirmation === null || typeof confirmation.jkt !== 'string' || !JWK_THUMBPRINT.test(confirmation.jkt)) {
      throw unauthenticated(`The token claim "${CONFIRMATION_CLAIM}" is not valid.`);
    }
    if (await this.revocations.isRevoked(deviceBindingId)) throw unauthenticated('The device this token was issued to is no longer bound.');
    return { userId: sub, deviceBindingId, deviceBoundAt: new Date(deviceBoundAt * 1000) };
  }
}

function isKeySourceFailure(error: unknown): boolean {
  // jose's own errors are all JOSEError (JWKSTimeout included); a fetch failure is a plain TypeError.
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError);
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token was signed with an unknown key.';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token claim "${error.claim}" is not valid.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token algorithm is not allowed.';
  return 'The token is malformed.';
}
