import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describeValidationErrors, SERVICE_TOKEN_PATH, ServicePrincipal, ServiceTokenRequest, ServiceTokenResponse } from '@kirim/contracts';

/** Where a service gets the bearer token for a call to another service. */
export abstract class ServiceTokenSource {
  /** A valid token whose audience is `audience`; throws ServiceTokenUnavailableError when none can be had. */
  abstract tokenFor(audience: ServicePrincipal): Promise<string>;
  /** Forget a cached token the callee refused (e.g. identity rotated its key): the next call fetches a new one. */
  abstract forget(audience: ServicePrincipal, token: string): void;
}

export class ServiceTokenUnavailableError extends Error {
  constructor(readonly audience: ServicePrincipal, reason: string) {
    super(`no service token for ${audience}: ${reason}`);
    this.name = 'ServiceTokenUnavailableError';
  }
}

export interface RemoteServiceTokenSourceOptions {
  /** identity's base URL, e.g. http://127.0.0.1:3001 */
  readonly identityUrl: string;
  readonly clientId: ServicePrincipal;
  readonly clientSecret: string;
  readonly timeoutMs?: number;
  /** Injected for tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

interface CachedToken {
  readonly token: string;
  readonly renewAtMs: number;
}

/**
 * A service token is renewed this long before it expires, so a call never leaves with a token that
 * expires on the way (clock skew between services is bounded by the verifiers' tolerance).
 */
const RENEW_BEFORE_EXPIRY_MS = 30_000;

/**
 * Exchanges this service's client credentials at identity for short-lived tokens, one per audience,
 * cached until shortly before they expire; concurrent callers share one request (single flight), so
 * a burst of payments costs identity one token request, not one per payment.
 */
export class RemoteServiceTokenSource extends ServiceTokenSource {
  private readonly cache = new Map<ServicePrincipal, CachedToken>();
  private readonly inFlight = new Map<ServicePrincipal, Promise<string>>();
  private readonly now: () => number;

  constructor(private readonly options: RemoteServiceTokenSourceOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  async tokenFor(audience: ServicePrincipal): Promise<string> {
    const cached = this.cache.get(audience);
    if (cached && cached.renewAtMs > this.now()) return cached.token;
    let pending = this.inFlight.get(audience);
    if (!pending) {
      pending = this.fetchToken(audience).finally(() => this.inFlight.delete(audience));
      this.inFlight.set(audience, pending);
    }
    return pending;
  }

  forget(audience: ServicePrincipal, token: string): void {
    if (this.cache.get(audience)?.token === token) this.cache.delete(audience);
  }

  private async fetchToken(audience: ServicePrincipal): Promise<string> {
    const request: ServiceTokenRequest = { clientId: this.options.clientId, clientSecret: this.options.clientSecret, audience };
    const startedAt = this.now();
    let response: Response;
    let body: unknown;
    try {
      response = await (this.options.fetch ?? fetch)(new URL(SERVICE_TOKEN_PATH, this.options.identityUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3_000),
      });
      body = await response.json().catch(() => undefined);
    } catch (error: unknown) {
      throw new ServiceTokenUnavailableError(audience, `identity unreachable (${errorName(error)})`);
    }
    // The secret is in the request, never in the error: only the status and identity's own detail travel.
    if (!response.ok) throw new ServiceTokenUnavailableError(audience, `identity answered ${response.status}${problemDetail(body)}`);
    const parsed = plainToInstance(ServiceTokenResponse, body ?? {});
    const errors = validateSync(parsed, { whitelist: true });
    if (errors.length > 0) throw new ServiceTokenUnavailableError(audience, `unexpected answer: ${describeValidationErrors(errors).join('; ')}`);
    const lifetimeMs = parsed.expiresIn * 1000;
    // Counted from when the request left, so a slow answer never makes the token look younger than it is.
    const renewAtMs = startedAt + Math.max(lifetimeMs - RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 2);
    this.cache.set(audience, { token: parsed.accessToken, renewAtMs });
    return parsed.accessToken;
  }
}

function problemDetail(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const detail = (body as { detail?: unknown }).detail;
  return typeof detail === 'string' ? `: ${detail.slice(0, 200)}` : '';
}

/** TimeoutError, AbortError, TypeError ('fetch failed'): DOMException may come from another realm, so read the name. */
export function errorName(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : 'unknown error';
}
