import { request as httpRequest, createServer, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { ProblemCode } from '@kirim/contracts';
import { docsIndexHtml } from './docs-index';
import { routeFor, SERVICE_NAMES, ServiceName } from './edge-routes';
import { OpenApiDocumentLike, publicOpenApiDocument } from './public-openapi';
import type { ClientRateLimiter } from './rate-limiter';
import { nextUpstream, Upstreams } from './upstreams';

export interface EdgeOptions {
  readonly upstreams: Upstreams;
  /** Longest wait for an upstream's response headers before answering 504. */
  readonly upstreamTimeoutMs: number;
  /** Longest wait for one service's /health/ready. */
  readonly readinessTimeoutMs: number;
  /** The AsyncAPI document (YAML) served at /docs/asyncapi.yaml; read once at boot (asyncapi-file.ts). */
  readonly asyncApiDocument: string;
  readonly log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** Per-client-IP limit on proxied requests (the Ingress's rate limit, locally); none when absent. */
  readonly rateLimiter?: ClientRateLimiter;
  /** The `servers` URL of the merged public OpenAPI document. */
  readonly publicBaseUrl?: string;
}

const PROBLEM_TYPE_BASE = 'https://kirim.dev/problems/';
// Type-only import: the codes are checked against the contract at compile time without loading it at run time.
const NOT_FOUND: ProblemCode = 'not-found';
const DEPENDENCY_UNAVAILABLE: ProblemCode = 'dependency-unavailable';
const RATE_LIMITED: ProblemCode = 'rate-limited';

/** RFC 9110 §7.6.1: connection-specific headers are not forwarded by a proxy. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listedInConnection = String(headers['connection'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listedInConnection.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

function sendProblem(res: ServerResponse, status: number, title: string, code: ProblemCode, detail: string, instance?: string, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${code}`, title, status, code, detail, ...(instance ? { instance } : {}) });
  res.writeHead(status, { ...headers, 'content-type': 'application/problem+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** RFC 9512 registers application/yaml. Node sends no body for HEAD by itself. */
function sendAsyncApiDocument(req: IncomingMessage, res: ServerResponse, document: string): void {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8', 'content-length': Buffer.byteLength(document), 'cache-control': 'no-cache' });
  res.end(document);
}

function pathOnly(url: string): string {
  return url.split('?')[0];
}

/** Streams the request to a replica of the service and its answer back; nothing is buffered. */
function proxy(req: IncomingMessage, res: ServerResponse, service: ServiceName, upstreamPath: string, options: EdgeOptions): void {
  const base = nextUpstream(options.upstreams, service);
  const headers = endToEndHeaders(req.headers);
  const clientAddress = req.socket.remoteAddress ?? 'unknown';
  const priorForwardedFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = priorForwardedFor ? `${String(priorForwardedFor)}, ${clientAddress}` : clientAddress;
  headers['x-forwarded-host'] = req.headers['host'] ?? '';
  headers['x-forwarded-proto'] = 'http';

  const upstream = httpRequest({
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port,
    method: req.method,
    path: upstreamPath,
    headers,
  });

  upstream.setTimeout(options.upstreamTimeoutMs, () => {
    upstream.destroy(new UpstreamTimeout());
  });
  // Where a failed request waited, for its log line: on a new connection or a kept-alive one, and
  // how long the new one took to connect (null: not connected, or kept alive).
  const sentAt = Date.now();
  let connectedAfterMs: number | null = null;
  upstream.once('socket', (socket) => {
    if (socket.connecting) socket.once('connect', () => (connectedAfterMs = Date.now() - sentAt));
  });
  upstream.on('response', (upstreamRes) => {
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, endToEndHeaders(upstreamRes.headers));
    upstreamRes.pipe(res);
    // A service that dies mid-body: the client must see a broken response, not a short "complete" one.
    upstreamRes.on('aborted', () => res.destroy());
    upstreamRes.on('error', () => res.destroy());
  });
  upstream.on('error', (error: Error) => {
    const timedOut = error instanceof UpstreamTimeout;
    options.log('warn', 'upstream request failed', {
      upstream: service,
      path: pathOnly(upstreamPath),
      error: error.message,
      elapsedMs: Date.now() - sentAt,
      reusedConnection: upstream.reusedSocket,
      connectedAfterMs,
    });
    sendProblem(
      res,
      timedOut ? 504 : 502,
      // Titles as the problem catalogue gives them (libs/contracts problem-catalogue.ts): one per code.
      'Temporarily unavailable',
      DEPENDENCY_UNAVAILABLE,
      timedOut ? `The ${service} service did not answer in time.` : `The ${service} service is unavailable.`,
      pathOnly(req.url ?? ''),
    );
  });
  // The client gave up: stop the upstream work too (and free its socket).
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

class UpstreamTimeout extends Error {
  constructor() {
    super('upstream timed out');
  }
}

export interface ServiceReadiness {
  readonly ready: boolean;
  readonly status: number | 'unreachable';
}

function probeReadiness(base: URL, timeoutMs: number): Promise<ServiceReadiness> {
  return new Promise((resolve) => {
    const probe = httpRequest({ protocol: base.protocol, hostname: base.hostname, port: base.port, method: 'GET', path: '/health/ready' });
    probe.setTimeout(timeoutMs, () => probe.destroy(new UpstreamTimeout()));
    probe.on('response', (response) => {
      response.resume();
      resolve({ ready: response.statusCode === 200, status: response.statusCode ?? 'unreachable' });
    });
    probe.on('error', () => resolve({ ready: false, status: 'unreachable' }));
    probe.end();
  });
}

/** A service is ready when every replica listed for it is; otherwise it reports the first that is not. */
async function serviceReadiness(replicas: readonly URL[], timeoutMs: number): Promise<ServiceReadiness> {
  const results = await Promise.all(replicas.map((base) => probeReadiness(base, timeoutMs)));
  return results.find((result) => !result.ready) ?? results[0];
}

/**
 * The edge is ready only when every service is, each replica of it included: the stack has one base
 * URL, so it is one thing to wait for, and a request must not find a replica still starting.
 */
export async function stackReadiness(options: Pick<EdgeOptions, 'upstreams' | 'readinessTimeoutMs'>): Promise<{ ready: boolean; services: Record<ServiceName, ServiceReadiness> }> {
  const results = await Promise.all(SERVICE_NAMES.map((name) => serviceReadiness(options.upstreams[name], options.readinessTimeoutMs)));
  const services = Object.fromEntries(SERVICE_NAMES.map((name, i) => [name, results[i]])) as Record<ServiceName, ServiceReadiness>;
  return { ready: results.every((r) => r.ready), services };
}

/** GETs one service's OpenAPI document (/docs-json). */
function fetchServiceDocument(base: URL, timeoutMs: number): Promise<OpenApiDocumentLike> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ protocol: base.protocol, hostname: base.hostname, port: base.port, method: 'GET', path: '/docs-json' });
    request.setTimeout(timeoutMs, () => request.destroy(new UpstreamTimeout()));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`/docs-json answered ${response.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OpenApiDocumentLike);
        } catch (error: unknown) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    request.on('error', reject);
    request.end();
  });
}

/** Merged afresh on every request: a few KB from each service, and never stale after a deploy. */
async function buildPublicOpenApi(options: EdgeOptions): Promise<OpenApiDocumentLike> {
  // Every replica serves the same document: the first is asked, outside the requests' turns.
  const documents = await Promise.all(SERVICE_NAMES.map((name) => fetchServiceDocument(options.upstreams[name][0], options.readinessTimeoutMs)));
  const byService = Object.fromEntries(SERVICE_NAMES.map((name, i) => [name, documents[i]])) as Record<ServiceName, OpenApiDocumentLike>;
  return publicOpenApiDocument(byService, { serverUrl: options.publicBaseUrl ?? '/', version: '1' });
}

/** The client's own address: X-Forwarded-For is not trusted here, since the edge is the first hop and a client can write it. */
function clientKey(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export function handleEdgeRequest(req: IncomingMessage, res: ServerResponse, options: EdgeOptions): void {
  const url = req.url ?? '/';
  const route = routeFor(url);
  switch (route.kind) {
    case 'proxy': {
      const decision = options.rateLimiter?.take(clientKey(req));
      if (decision && !decision.allowed) {
        req.resume();
        sendProblem(res, 429, 'Too many requests', RATE_LIMITED, 'Too many requests from this client; retry later.', pathOnly(url), {
          'retry-after': String(decision.retryAfterSeconds),
        });
        return;
      }
      proxy(req, res, route.service, route.upstreamPath, options);
      return;
    }
    case 'public-openapi':
      req.resume();
      buildPublicOpenApi(options).then(
        (document) => sendJson(res, 200, document),
        (error: unknown) => {
          options.log('warn', 'public OpenAPI document not built', { error: error instanceof Error ? error.message : String(error) });
          sendProblem(res, 502, 'Temporarily unavailable', DEPENDENCY_UNAVAILABLE, 'A service did not give its API document.', pathOnly(url));
        },
      );
      return;
    case 'docs-index': {
      const body = docsIndexHtml();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    case 'asyncapi':
      sendAsyncApiDocument(req, res, options.asyncApiDocument);
      return;
    case 'redirect':
      res.writeHead(302, { location: route.location, 'content-length': 0 });
      res.end();
      return;
    case 'health-live':
      sendJson(res, 200, { status: 'ok' });
      return;
    case 'health-ready':
      stackReadiness(options).then(
        ({ ready, services }) => sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'error', services }),
        (error: unknown) => {
          options.log('error', 'readiness probe failed', { error: error instanceof Error ? error.message : String(error) });
          sendJson(res, 503, { status: 'error' });
        },
      );
      return;
    case 'not-found':
      // Drain the body so a keep-alive connection stays usable for the next request.
      req.resume();
      sendProblem(res, 404, 'Not found', NOT_FOUND, `No service answers ${pathOnly(url)}.`, pathOnly(url));
      return;
  }
}

export function createEdgeServer(options: EdgeOptions): Server {
  return createServer((req, res) => handleEdgeRequest(req, res, options));
}
