import type { IncomingMessage } from 'node:http';
import { Counter, Histogram } from 'prom-client';
import { serviceMetrics } from './alerts';
import { catalogued } from './metric-catalogue';

/** The route label of a request no route serves: its path is never a label (it may hold ids or phone numbers). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The status label of a request whose client went away before the answer was sent. */
export const ABORTED_STATUS = 'aborted';

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const requests = new Counter({ ...catalogued('kirim_http_requests_total'), registers: [serviceMetrics] });

const durations = new Histogram({
  ...catalogued('kirim_http_request_duration_seconds'),
  // 5 ms (a cached answer) to 10 s (past every timeout a service sets on a call it makes).
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [serviceMetrics],
});

/** Node's method, or OTHER: the parser accepts a few dozen methods that no route serves. */
export function methodLabel(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return METHODS.has(upper) ? upper : 'OTHER';
}

type Segment = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'parameter' } | { readonly kind: 'rest' };

interface Template {
  readonly label: string;
  readonly segments: readonly Segment[];
}

/**
 * The route templates of a service, matched against a request's path to label it. Built from the
 * service's OpenAPI document (every documented operation) and the few undocumented paths (probes,
 * scrapes, docs), so a request refused before Express routes it (a body over the limit, a repeated
 * query parameter) is labelled with its route as well as one a guard, pipe or filter refused.
 *
 * Templates are written as the OpenAPI document has them (`/v1/payments/{paymentId}`) or with a
 * final `*` for "anything below" (`/docs/*`); labels are in Express's form (`/v1/payments/:paymentId`).
 * A literal segment wins over a parameter (`/v1/payments/history` before `/v1/payments/{paymentId}`),
 * and paths compare case-insensitively, as Express routes them.
 */
export class RouteTemplates {
  private readonly templates: readonly Template[];

  constructor(paths: Iterable<string>) {
    const templates = [...new Set(paths)].map(parseTemplate);
    this.templates = templates.sort(bySpecificity);
  }

  /** The template serving `url` (path and query), or UNMATCHED_ROUTE. */
  labelOf(url: string | undefined): string {
    const path = (url ?? '').split('?')[0].split('#')[0];
    if (!path.startsWith('/')) return UNMATCHED_ROUTE;
    const segments = path.slice(1).split('/');
    // Express's default (non-strict) routing serves `/v1/payments/` as `/v1/payments`.
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
    const found = this.templates.find((template) => matches(template.segments, segments));
    return found ? found.label : UNMATCHED_ROUTE;
  }
}

function parseTemplate(path: string): Template {
  const parts = path.replace(/^\/+/, '').split('/');
  const segments: Segment[] = parts.map((part, index): Segment => {
    if (part === '*' && index === parts.length - 1) return { kind: 'rest' };
    if (/^\{[^{}]+\}$/.test(part)) return { kind: 'parameter' };
    return { kind: 'literal', text: part.toLowerCase() };
  });
  const label = `/${parts.map((part) => part.replace(/^\{([^{}]+)\}$/, ':$1').replace(/^\*$/, '*path')).join('/')}`;
  return { label, segments };
}

function matches(template: readonly Segment[], path: readonly string[]): boolean {
  for (let index = 0; index < template.length; index += 1) {
    const segment = template[index];
    if (segment.kind === 'rest') return index < path.length && path.slice(index).every((part) => part !== '');
    if (index >= path.length) return false;
    const part = path[index];
    if (part === '') return false;
    if (segment.kind === 'literal' && segment.text !== part.toLowerCase()) return false;
  }
  return template.length === path.length;
}

/** Literal segments before parameters, position by position; a rest wildcard last. */
function bySpecificity(a: Template, b: Template): number {
  const rank = (segment: Segment | undefined): number => (segment === undefined ? 3 : segment.kind === 'literal' ? 0 : segment.kind === 'parameter' ? 1 : 2);
  for (let index = 0; index < Math.max(a.segments.length, b.segments.length); index += 1) {
    const difference = rank(a.segments[index]) - rank(b.segments[index]);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The request as the middleware reads it: Express's `originalUrl` when there is one. */
type MeasuredRequest = Pick<IncomingMessage, 'method' | 'url'> & { readonly originalUrl?: string };
/** What the middleware reads of a response (Node's ServerResponse fits). */
interface MeasuredResponse {
  readonly statusCode: number;
  readonly writableFinished: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Counts and times every request a service answers. Installed by createServiceApp as the first
 * middleware, so it sees the requests refused before routing (body limits, repeated query
 * parameters, unknown paths) as well as those guards, pipes and filters refuse. The route label
 * comes from the service's route templates once they are known (`useRoutes`).
 */
export class HttpRequestMetrics {
  private routes = new RouteTemplates([]);

  useRoutes(routes: RouteTemplates): void {
    this.routes = routes;
  }

  readonly middleware = (request: MeasuredRequest, response: MeasuredResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    // The route is read at the start: middleware further on may rewrite `url`.
    const url = request.originalUrl ?? request.url;
    response.once('close', () => {
      const labels = {
        method: methodLabel(request.method),
        route: this.routes.labelOf(url),
        status: response.writableFinished ? String(response.statusCode) : ABORTED_STATUS,
      };
      requests.inc(labels);
      durations.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/** The documented operations' paths, from an OpenAPI document. */
export function documentedPaths(document: { readonly paths?: Readonly<Record<string, unknown>> }): string[] {
  return Object.keys(document.paths ?? {});
}
