/**
 * The edge's routing table: which service answers which path. Pure, so the table is unit-tested
 * without sockets. In Kubernetes an Ingress holds the same table (deploy/), and this file is the
 * local stack's stand-in for it.
 */
export const SERVICE_NAMES = ['identity', 'payments', 'bank-connector', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type EdgeRoute =
  /** Forward to `service` at `upstreamPath` (path and query string). */
  | { readonly kind: 'proxy'; readonly service: ServiceName; readonly upstreamPath: string }
  /** The edge's own page listing each service's API docs. */
  | { readonly kind: 'docs-index' }
  /** The Kafka contract (AsyncAPI 3.0 YAML), served by the edge itself: no service owns it. */
  | { readonly kind: 'asyncapi' }
  /** The public HTTP API as one OpenAPI document, merged by the edge from the services' documents. */
  | { readonly kind: 'public-openapi' }
  /** Send the client elsewhere (e.g. add the trailing slash Swagger UI's relative asset links need). */
  | { readonly kind: 'redirect'; readonly location: string }
  /** The edge's own probes: live answers at once, ready asks every service. */
  | { readonly kind: 'health-live' }
  | { readonly kind: 'health-ready' }
  | { readonly kind: 'not-found' };

/**
 * Path prefixes in the order they are tried: the most specific first, so `/v1/me/notifications`
 * reaches notifications while the rest of `/v1/me` stays with identity. A prefix matches the path
 * itself or anything below it at a `/` boundary (`/v1/me` does not match `/v1/meow`).
 */
/*
 * Service-to-service questions are deliberately absent: `/v1/payment-parties` (payments asks
 * identity) and `/v1/bank-accounts` (identity asks bank-connector) would let any user look up other
 * people's accounts by phone number. Services call each other directly, never through the edge.
 */
export const PREFIX_ROUTES: readonly { readonly prefix: string; readonly service: ServiceName }[] = [
  { prefix: '/v1/me/notifications', service: 'notifications' },
  { prefix: '/v1/me/bank-accounts', service: 'identity' },
  { prefix: '/v1/me', service: 'identity' },
  // Payee resolution, rate-limited per user against scanning (docs/payment-addresses.md).
  { prefix: '/v1/payees', service: 'identity' },
  { prefix: '/v1/users', service: 'identity' },
  { prefix: '/v1/sessions', service: 'identity' },
  // Device binding and refresh (docs/device-binding.md); the SMS provider calls its webhook here,
  // as a real provider calls the public edge: the Standard Webhooks signature is the protection.
  { prefix: '/v1/device-bindings', service: 'identity' },
  { prefix: '/v1/tokens', service: 'identity' },
  { prefix: '/v1/webhooks/sms', service: 'identity' },
  { prefix: '/.well-known/jwks.json', service: 'identity' },
  // kirim's record signing keys, for partner banks to verify its requests (docs/message-signing.md).
  { prefix: '/.well-known/message-signing-keys.json', service: 'bank-connector' },
  { prefix: '/v1/payments', service: 'payments' },
  // Merchants (docs/merchants.md): onboarding and API keys with a user's token; orders and refunds
  // with the merchant's API key, except paying an order, which the customer does with theirs.
  { prefix: '/v1/merchants', service: 'payments' },
  { prefix: '/v1/merchant-orders', service: 'payments' },
  // Collect requests (docs/merchants.md): a merchant asks with its API key; the customer lists,
  // approves with the UPI PIN or declines with theirs. Not under /v1/me, which is identity's.
  { prefix: '/v1/collect-requests', service: 'payments' },
  // Merchants' webhook endpoints (docs/notifications.md): the owner registers, rotates and disables
  // them with their own token; notifications keeps them, as it delivers the webhooks.
  { prefix: '/v1/merchant-webhook-endpoints', service: 'notifications' },
  // The banks and their public UPI PIN keys, which devices encrypt PINs for (docs/upi-pin.md). Not the
  // PIN set endpoint on bank-connector (/v1/sandbox-accounts): identity calls it after its own checks.
  { prefix: '/v1/banks', service: 'bank-connector' },
  // Not /v1/sandbox: the sandbox administration API (opening accounts with money in them) is for
  // operators and test tools, on bank-connector's own port only, never on the public edge
  // (docs/data-at-rest.md).
];

const DOCS_PREFIX = '/docs';

/** Where the AsyncAPI document of the Kafka contract is served (docs/asyncapi.yaml in the repository). */
export const ASYNCAPI_DOCS_PATH = `${DOCS_PREFIX}/asyncapi.yaml`;

/** Where the merged OpenAPI document of the public API is served (public-openapi.ts). */
export const PUBLIC_OPENAPI_DOCS_PATH = `${DOCS_PREFIX}/openapi.json`;

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/**
 * Dot segments (`/v1/payments/../users`, also percent-encoded) could make a path look like it
 * belongs to one service while an upstream resolves it to another; the edge refuses them outright.
 */
function hasDotSegment(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.split(/[/\\]/).some((segment) => segment === '.' || segment === '..');
}

/** Where a request for `url` (a request target: path plus optional query string) goes. */
export function routeFor(url: string): EdgeRoute {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart);
  if (!path.startsWith('/') || hasDotSegment(path)) return { kind: 'not-found' };

  if (path === '/health/live') return { kind: 'health-live' };
  if (path === '/health/ready') return { kind: 'health-ready' };

  for (const { prefix, service } of PREFIX_ROUTES) {
    if (isUnder(path, prefix)) return { kind: 'proxy', service, upstreamPath: `${path}${query}` };
  }

  if (path === DOCS_PREFIX || path === `${DOCS_PREFIX}/`) return { kind: 'docs-index' };
  if (path === ASYNCAPI_DOCS_PATH) return { kind: 'asyncapi' };
  if (path === PUBLIC_OPENAPI_DOCS_PATH) return { kind: 'public-openapi' };
  if (isUnder(path, DOCS_PREFIX)) return docsRoute(path.slice(DOCS_PREFIX.length + 1), query);
  return { kind: 'not-found' };
}

/** `rest` is what follows `/docs/`: `<service>`, `<service>/...` or `<service>-json`. */
function docsRoute(rest: string, query: string): EdgeRoute {
  const slash = rest.indexOf('/');
  const head = slash === -1 ? rest : rest.slice(0, slash);
  if (slash === -1 && head.endsWith('-json')) {
    const service = head.slice(0, -'-json'.length);
    return isServiceName(service) ? { kind: 'proxy', service, upstreamPath: `/docs-json${query}` } : { kind: 'not-found' };
  }
  if (!isServiceName(head)) return { kind: 'not-found' };
  // Swagger UI's page links its assets relatively; only with the trailing slash do they resolve under /docs/<service>/.
  if (slash === -1) return { kind: 'redirect', location: `${DOCS_PREFIX}/${head}/${query}` };
  return { kind: 'proxy', service: head, upstreamPath: `${DOCS_PREFIX}${rest.slice(slash)}${query}` };
}
