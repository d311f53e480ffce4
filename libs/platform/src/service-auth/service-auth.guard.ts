import { applyDecorators, CanActivate, ExecutionContext, HttpStatus, Inject, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { errors, jwtVerify } from 'jose';
import { InternalOperation, isServicePrincipal, PROBLEM_CODES, SERVICE_CLIENT_CLAIM, serviceAudience, ServicePrincipal } from '@kirim/contracts';
import { ProblemException } from '../http/problem-details';
import { bearerJwtOf } from '../auth/jwt-auth.guard';
import { JWT_ALGORITHM, JWT_ISSUER } from '../auth/jwt.constants';
import type { JwtKeyResolver } from '../auth/jwks';
import { VerifiedTokenCache } from '../auth/verified-token-cache';

/** The service this process is: the audience its internal endpoints accept. */
export const SERVICE_SELF = Symbol('SERVICE_SELF');

/** identity's key set, for service tokens (the same JWKS as user tokens; a service may have no user endpoints). */
export const SERVICE_TOKEN_KEY_RESOLVER = Symbol('SERVICE_TOKEN_KEY_RESOLVER');

const INTERNAL_OPERATION_KEY = 'kirim:internal-operation';

export interface AuthenticatedService {
  readonly service: ServicePrincipal;
}

interface RequestWithService {
  headers: Record<string, string | string[] | undefined>;
  callerService?: AuthenticatedService;
}

/**
 * Marks a handler as the answer to one declared internal operation: only the services the
 * declaration lists may call it, each with its own service token for this service. User tokens are
 * refused, whoever they belong to: a user never speaks to an internal endpoint, and a service never
 * acts with a user's token.
 */
export function InternalEndpoint(operation: InternalOperation): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(INTERNAL_OPERATION_KEY, operation), UseGuards(ServiceAuthGuard));
}

function unauthenticated(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, detail);
}

function forbidden(detail: string): ProblemException {
  return new ProblemException(HttpStatus.FORBIDDEN, PROBLEM_CODES.FORBIDDEN, detail);
}

@Injectable()
export class ServiceAuthGuard implements CanActivate {
  private readonly verifiedTokens = new VerifiedTokenCache();

  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_TOKEN_KEY_RESOLVER) private readonly keys: JwtKeyResolver,
    @Inject(SERVICE_SELF) private readonly self: ServicePrincipal,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const operation = this.reflector.getAllAndOverride<InternalOperation | undefined>(INTERNAL_OPERATION_KEY, [context.getHandler(), context.getClass()]);
    // A guard without its declaration is a wiring bug, not a caller's fault.
    if (!operation) throw new Error('ServiceAuthGuard used without @InternalEndpoint(operation)');
    if (operation.service !== this.self) throw new Error(`${this.self} answers internal operation ${operation.name}, declared for ${operation.service}`);
    const request = context.switchToHttp().getRequest<RequestWithService>();
    const caller = await this.authenticate(request.headers['authorization']);
    if (!operation.callers.includes(caller.service)) throw forbidden(`${caller.service} may not call ${operation.name}.`);
    request.callerService = caller;
    return true;
  }

  async authenticate(header: string | string[] | undefined): Promise<AuthenticatedService> {
    if (header === undefined || header === '') throw unauthenticated('The Authorization header is missing.');
    const token = bearerJwtOf(header);
    if (token === null) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    let payload: Record<string, unknown>;
    try {
      payload = await this.verifiedTokens.verified(token, (unverified) =>
        jwtVerify(unverified, this.keys, {
          issuer: JWT_ISSUER,
          algorithms: [JWT_ALGORITHM],
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          // Audience is checked below, so a user token gets a clearer answer than "aud mismatch".
        }),
      );
    } catch (error: unknown) {
      if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout) && !(error instanceof errors.JWKSInvalid)) {
        throw unauthenticated(error instanceof errors.JWTExpired ? 'The service token has expired.' : 'The service token is not valid.');
      }
      throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'Tokens cannot be verified right now.');
    }
    const client = payload[SERVICE_CLIENT_CLAIM];
    if (client === undefined) throw forbidden('Internal endpoints accept service credentials only, never a user token.');
    if (!isServicePrincipal(client) || payload.sub !== client) throw unauthenticated('The token does not name a kirim service.');
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(serviceAudience(this.self))) throw forbidden(`The service token is not meant for ${this.self}.`);
    return { service: client };
  }
}
