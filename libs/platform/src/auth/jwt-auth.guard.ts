import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { errors as JoseErrors } from 'jose';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '../http/problem-details';
import { AuthenticatedUser, DEVICE_BINDING_CLAIM, DEVICE_BOUND_AT_CLAIM, JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER, JWT_KEY_RESOLVER } from './jwt.constants';
import type { JwtKeyResolver } from './jwks';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

interface RequestWithUser {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

function unauthenticated(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, detail);
}

/** Verifies identity's access token and puts `{ userId }` on the request for `@CurrentUser()`. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(@Inject(JWT_KEY_RESOLVER) private readonly keys: JwtKeyResolver) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    request.user = await this.authenticate(request.headers['authorization']);
    return true;
  }

  async authenticate(header: string | string[] | undefined): Promise<AuthenticatedUser> {
    if (header === undefined || header === '') throw unauthenticated('The Authorization header is missing.');
    const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');

    // Loaded on first use (see jwks.ts); Node caches the module after the first request.
    const { jwtVerify, errors } = await import('jose');
    let sub: string | undefined;
    let claims: Record<string, unknown> = {};
    try {
      const { payload } = await jwtVerify(match[1], this.keys, {
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        algorithms: [JWT_ALGORITHM],
      });
      sub = payload.sub;
      claims = payload;
    } catch (error: unknown) {
      if (isKeySourceFailure(errors, error)) {
        // Identity's JWKS is unreachable: an outage, not a bad token, so the client should retry, not re-login.
        throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'Tokens cannot be verified right now.');
      }
      throw unauthenticated(describeJoseError(errors, error));
    }
    if (sub === undefined || !UUID.test(sub)) throw unauthenticated('The token subject is not a user id.');
    const deviceBindingId = claims[DEVICE_BINDING_CLAIM];
    const deviceBoundAt = claims[DEVICE_BOUND_AT_CLAIM];
    if (deviceBindingId === undefined && deviceBoundAt === undefined) return { userId: sub, deviceBindingId: null, deviceBoundAt: null };
    if (typeof deviceBindingId !== 'string' || !UUID.test(deviceBindingId)) throw unauthenticated(`The token claim "${DEVICE_BINDING_CLAIM}" is not valid.`);
    if (typeof deviceBoundAt !== 'number' || !Number.isSafeInteger(deviceBoundAt) || deviceBoundAt <= 0) {
      throw unauthenticated(`The token claim "${DEVICE_BOUND_AT_CLAIM}" is not valid.`);
    }
    return { userId: sub, deviceBindingId, deviceBoundAt: new Date(deviceBoundAt * 1000) };
  }
}

function isKeySourceFailure(errors: typeof JoseErrors, error: unknown): boolean {
  // jose's own errors are all JOSEError (JWKSTimeout included); a fetch failure is a plain TypeError.
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError);
}

function describeJoseError(errors: typeof JoseErrors, error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token was signed with an unknown key.';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token claim "${error.claim}" is not valid.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token algorithm is not allowed.';
  return 'The token is malformed.';
}
