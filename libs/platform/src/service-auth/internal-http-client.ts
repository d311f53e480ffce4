import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ALL_RESULT_CODES, describeValidationErrors, InternalOperation, PROBLEM_CODES, ProblemCode, ResultCode, ServicePrincipal } from '@kirim/contracts';
import { HttpTransport, HttpTransportResponse, undiciTransport } from '../http/http-transport';
import { errorName, ServiceTokenSource, ServiceTokenUnavailableError } from './service-token-source';

export interface InternalProblem {
  readonly code: ProblemCode;
  readonly detail: string;
  readonly resultCode?: ResultCode;
  /** A 429's Retry-After in seconds, to pass on to the user whose request it was. */
  readonly retryAfterSeconds?: number;
}

export type InternalCallResult<T> =
  | { readonly ok: true; readonly value: T }
  /** The callee answered with a problem it meant for this request (4xx with a known code). */
  | { readonly ok: false; readonly kind: 'refused'; readonly status: number; readonly problem: InternalProblem }
  /** No usable answer: unreachable, timed out, 5xx, no token, or a body that breaks the contract. */
  | { readonly ok: false; readonly kind: 'unavailable'; readonly reason: string };

export interface InternalCallRequest {
  /** Values for the operation's `:name` path segments (URL-encoded here). */
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

export interface InternalHttpClientOptions {
  /** Base URL of each service this one calls. */
  readonly baseUrls: Partial<Readonly<Record<ServicePrincipal, string>>>;
  readonly tokens: ServiceTokenSource;
  readonly timeoutMs?: number;
  /** Injected for tests (the global fetch fits, and fakes of it); undiciTransport otherwise. */
  readonly transport?: HttpTransport;
}

type Constructor<T> = new () => T;

/**
 * The one way a service calls another: the operation comes from libs/contracts (INTERNAL_OPERATIONS),
 * the credential is this service's own token for the callee (never a forwarded user token), and the
 * answer is validated against the contract's class before anyone reads it. Unknown extra fields are
 * dropped, not refused, so the callee can add to its answer without breaking callers.
 *
 * Logs name the operation and status only: queries carry phone numbers.
 */
export class InternalHttpClient {
  private readonly logger = new Logger(InternalHttpClient.name);

  constructor(private readonly options: InternalHttpClientOptions) {}

  async call<T extends object>(operation: InternalOperation, request: InternalCallRequest, answer: Constructor<T>): Promise<InternalCallResult<T>> {
    const baseUrl = this.options.baseUrls[operation.service];
    if (baseUrl === undefined) throw new Error(`no base URL configured for ${operation.service} (operation ${operation.name})`);
    const url = new URL(fillPath(operation.path, request.params ?? {}), baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);

    // A refused token (identity rotated its key, or the token expired in flight) is renewed once.
    for (let attempt = 1; ; attempt += 1) {
      let token: string;
      try {
        token = await this.options.tokens.tokenFor(operation.service);
      } catch (error: unknown) {
        const reason = error instanceof ServiceTokenUnavailableError ? error.message : errorName(error);
        this.logger.warn({ operation: operation.name, reason }, 'no service token');
        return { ok: false, kind: 'unavailable', reason };
      }
      const outcome = await this.send(operation, url, token, request, answer);
      if (outcome === 'token-refused') {
        this.options.tokens.forget(operation.service, token);
        if (attempt < 2) continue;
        return { ok: false, kind: 'unavailable', reason: `${operation.service} refused this service's credentials` };
      }
      return outcome;
    }
  }

  private async send<T extends object>(
    operation: InternalOperation,
    url: URL,
    token: string,
    request: InternalCallRequest,
    answer: Constructor<T>,
  ): Promise<InternalCallResult<T> | 'token-refused'> {
    let response: HttpTransportResponse;
    let body: unknown;
    try {
      response = await (this.options.transport ?? undiciTransport)(url, {
        method: operation.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        signal: AbortSignal.timeout(request.timeoutMs ?? this.options.timeoutMs ?? 3_000),
      });
      body = await response.json().catch(() => undefined);
    } catch (error: unknown) {
      const reason = `${operation.service} unreachable (${errorName(error)})`;
      this.logger.warn({ operation: operation.name, reason }, 'internal call failed');
      return { ok: false, kind: 'unavailable', reason };
    }

    if (response.status === 401) return 'token-refused';
    if (response.ok) {
      const parsed = plainToInstance(answer, body ?? {});
      const errors = typeof body === 'object' && body !== null ? validateSync(parsed, { whitelist: true }) : null;
      if (errors === null || errors.length > 0) {
        this.logger.error({ operation: operation.name, errors: errors ? describeValidationErrors(errors) : ['not a JSON object'] }, 'answer breaks the contract');
        return { ok: false, kind: 'unavailable', reason: `${operation.service} answered outside the contract` };
      }
      return { ok: true, value: parsed };
    }
    const problem = response.status >= 400 && response.status < 500 ? readInternalProblem(body) : null;
    if (problem) {
      const retryAfter = response.status === 429 ? Number(response.headers.get('retry-after')) : NaN;
      return { ok: false, kind: 'refused', status: response.status, problem: Number.isSafeInteger(retryAfter) && retryAfter > 0 ? { ...problem, retryAfterSeconds: retryAfter } : problem };
    }
    this.logger.warn({ operation: operation.name, status: response.status }, 'internal call failed');
    return { ok: false, kind: 'unavailable', reason: `${operation.service} answered ${response.status}` };
  }
}

function fillPath(path: string, params: Readonly<Record<string, string>>): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`path parameter ${name} missing for ${path}`);
    return encodeURIComponent(value);
  });
}

const KNOWN_PROBLEM_CODES: readonly string[] = Object.values(PROBLEM_CODES);

/**
 * A problem body as a caller may act on it: its code must be one kirim documents (else null: the
 * two sides disagree), an unknown result code is dropped, a missing detail gets a generic one.
 */
export function readInternalProblem(body: unknown): InternalProblem | null {
  if (typeof body !== 'object' || body === null) return null;
  const { code, detail, resultCode } = body as Record<string, unknown>;
  if (typeof code !== 'string' || !KNOWN_PROBLEM_CODES.includes(code)) return null;
  const knownResult = ALL_RESULT_CODES.find((known) => known === resultCode);
  return {
    code: code as ProblemCode,
    detail: typeof detail === 'string' ? detail : 'The request was refused.',
    ...(knownResult ? { resultCode: knownResult } : {}),
  };
}
