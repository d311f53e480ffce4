import { Agent, type Dispatcher, request } from 'undici';

/** What a service-to-service call or a webhook POST sends. */
export interface HttpTransportRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the request and the reading of its answer (AbortSignal.timeout for a deadline). */
  readonly signal: AbortSignal;
}

/**
 * The part of an answer the callers read. The global `fetch`'s `Response` has this shape, so tests
 * can inject `fetch` itself or a fake of it.
 */
export interface HttpTransportResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  /** The body as JSON; rejects when it is not JSON. */
  json(): Promise<unknown>;
  /** The body, when the caller will not read it: releasing it returns the connection to the pool. */
  readonly body: { cancel(): Promise<void> } | null;
}

/** A fetch-shaped function: redirects are never followed (a 3xx is the answer). */
export type HttpTransport = (url: URL | string, init: HttpTransportRequest) => Promise<HttpTransportResponse>;

/**
 * Connections kept open between calls: internal calls go to a few services, and webhooks to the
 * endpoints a deployment configured.
 */
const SHARED_AGENT = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

/**
 * The HTTP transport kirim's own calls use: undici's `request` API behind the shape above. The
 * global `fetch` (undici's WHATWG fetch) builds streams, `Request` and `Response` objects the callers
 * do not need: a small JSON call costs 450–480 µs of CPU with it and 160–200 µs with this, client and
 * server together (`npm run bench:http-client`; docs/benchmarks.md, ninth pass). OpenTelemetry's
 * undici instrumentation sees both (the same diagnostics channels), so calls are traced and carry
 * `traceparent` as before.
 */
export const undiciTransport: HttpTransport = async (url, init) => {
  const answer = await request(url, {
    method: init.method as Dispatcher.HttpMethod,
    headers: init.headers,
    body: init.body,
    signal: init.signal,
    dispatcher: SHARED_AGENT,
    maxRedirections: 0,
  });
  const { headers } = answer;
  return {
    status: answer.statusCode,
    ok: answer.statusCode >= 200 && answer.statusCode < 300,
    headers: {
      get: (name: string) => {
        const value = headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    json: () => answer.body.json(),
    body: { cancel: () => answer.body.dump() },
  };
};
