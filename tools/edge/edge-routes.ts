/**
 * The edge's routing table: which service answers which path. Pure, so the table is unit-tested
 * without sockets. In Kubernetes an Ingress holds the same table (deploy/), and this file is the
 * local stack's stand-in for it. The prefix table itself is a contract (libs/contracts
 * public-routes.ts), shared with the Ingress.
 */
import { PREFIX_ROUTES, SERVICE_NAMES, ServiceName } from '@kirim/contracts';

export { SERVICE_NAMES };
export type { ServiceName };

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
