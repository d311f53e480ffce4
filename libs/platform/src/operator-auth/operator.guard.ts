import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Inject, Injectable, Logger, UseGuards } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { SecuritySchemeObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CODES, ProblemCode } from '@kirim/contracts';
import { ProblemException } from '../http/problem-details';
import { OPERATOR_KEY_PATTERN, OperatorKeyring } from './operator-keys';

/** The OpenAPI security scheme of operator endpoints; createServiceApp's `securitySchemes` declares it. */
export const OPERATOR_KEY_SCHEME = 'operatorKey';

export const OPERATOR_KEY_SECURITY: SecuritySchemeObject = {
  type: 'http',
  scheme: 'bearer',
  description:
    "An operator key (docs/operations.md), never a user or service token: `Authorization: Bearer kop_...`. The service holds only the key's SHA-256 (OPERATOR_KEY_DIGESTS). Operator endpoints live under /internal/v1/operator on the service's own port; the public edge does not route them.",
};

/** Where operator routes live: on the service's own port, never routed by the edge (tools/edge/edge-routes.ts). */
export const OPERATOR_PATH_PREFIX = 'internal/v1/operator';

/** The `WWW-Authenticate` realm of operator endpoints (RFC 6750 §3). */
export const OPERATOR_REALM = 'kirim-operator';

/** What any operator endpoint may answer besides its own problems: 401 (no or an unknown key), 403 (operator endpoints disabled). */
export const OPERATOR_PROBLEMS: readonly ProblemCode[] = [PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.FORBIDDEN];

/** Provider token of the keyring the guard checks keys against (OperatorAuthModule). */
export const OPERATOR_KEYRING = Symbol('OPERATOR_KEYRING');

export interface AuthenticatedOperator {
  /** The operator's name from OPERATOR_KEY_DIGESTS: what logs and records say an operator did. */
  readonly name: string;
}

interface OperatorRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  operator?: AuthenticatedOperator;
}

interface ResponseWithHeaders {
  setHeader(name: string, value: string): unknown;
}

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Marks a route as an operator endpoint: an operator key in `Authorization: Bearer <key>` is
 * required, and user and service tokens are refused (they are JWTs, which an operator key never
 * is). Documented with the `operatorKey` scheme.
 */
export function OperatorEndpoint(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(OperatorGuard), ApiSecurity(OPERATOR_KEY_SCHEME));
}

/** The operator OperatorGuard authenticated; using it on an unguarded route is a bug and answers 401. */
export const CurrentOperator = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedOperator => {
  const operator = context.switchToHttp().getRequest<OperatorRequest>().operator;
  if (!operator) throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'Operator authentication is required.');
  return operator;
});

/**
 * Lets in a request that carries a known operator key, and logs who it was (the operator's name,
 * never the key). Keys are compared by digest in constant time (OperatorKeyring.operatorOf).
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly logger = new Logger('OperatorAudit');

  constructor(@Inject(OPERATOR_KEYRING) private readonly keyring: OperatorKeyring) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<OperatorRequest>();
    const response = http.getResponse<ResponseWithHeaders>();
    const action = `${request.method ?? 'GET'} ${(request.originalUrl ?? request.url ?? '').split('?')[0]}`;
    const operator = this.authenticate(request.headers['authorization'], response, action);
    request.operator = { name: operator };
    this.logger.log({ operator, action }, 'operator request');
    return true;
  }

  private authenticate(header: string | string[] | undefined, response: ResponseWithHeaders, action: string): string {
    if (this.keyring.isEmpty) {
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        PROBLEM_CODES.FORBIDDEN,
        'Operator endpoints are disabled on this service: no operator key is configured (OPERATOR_KEY_DIGESTS).',
      );
    }
    if (header === undefined || header === '') {
      response.setHeader('WWW-Authenticate', `Bearer realm="${OPERATOR_REALM}"`);
      throw unauthenticated('An operator key is required: Authorization: Bearer <operator key>.');
    }
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    const refuse = (detail: string, reason: string): never => {
      this.logger.warn({ action, reason }, 'operator authentication refused');
      response.setHeader('WWW-Authenticate', `Bearer realm="${OPERATOR_REALM}", error="invalid_token"`);
      throw unauthenticated(detail);
    };
    if (match === null) return refuse('The Authorization header must be "Bearer <operator key>".', 'malformed header');
    const presented = match[1];
    if (JWT_SHAPE.test(presented)) return refuse('Operator endpoints take an operator key, never a user or service token.', 'a token, not an operator key');
    if (!OPERATOR_KEY_PATTERN.test(presented)) return refuse('The operator key is not valid.', 'not an operator key');
    const operator = this.keyring.operatorOf(presented);
    if (operator === null) return refuse('The operator key is not valid.', 'unknown key');
    return operator;
  }
}

function unauthenticated(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, detail);
}
