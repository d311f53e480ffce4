/**
 * The local stack's single base URL: a small reverse proxy that routes by path prefix to the four
 * services (see edge-routes.ts). In Kubernetes an Ingress does this job and this process is not
 * deployed; it exists so that local clients and e2e tests use the same URLs as production.
 *
 * Only Node's `http` module: no proxy library to learn, pin or patch for a few dozen lines of routing.
 *
 * Env: EDGE_PORT (8080), IDENTITY_URL (http://127.0.0.1:3001), PAYMENTS_URL (:3002),
 * BANK_CONNECTOR_URL (:3003), NOTIFICATIONS_URL (:3004), each a comma-separated list when the service
 * runs several replicas (requests go to them in turn), EDGE_UPSTREAM_TIMEOUT_MS (30000),
 * EDGE_ASYNCAPI_FILE (the AsyncAPI document served at /docs/asyncapi.yaml; default: see asyncapi-file.ts),
 * EDGE_RATE_LIMIT_PER_SECOND (20; 0 turns the limit off) and EDGE_RATE_LIMIT_BURST (40): each client IP's
 * token bucket on proxied requests, the local stand-in for the Ingress's rate limit (rate-limiter.ts),
 * EDGE_PUBLIC_URL (the `servers` URL of /docs/openapi.json; default: relative to where it is read).
 */
// @kirim/contracts declares its DTOs with decorators that read design-time metadata at load.
import 'reflect-metadata';
import { defaultAsyncApiFile, loadAsyncApiDocument } from './asyncapi-file';
import { createEdgeServer, EdgeOptions } from './edge-server';
import { ClientRateLimiter } from './rate-limiter';
import { readUpstreams } from './upstreams';

const SHUTDOWN_TIMEOUT_MS = 5000;

/** One JSON line per event, pino-shaped like the services' logs so the same tools read them. */
function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const levels = { info: 30, warn: 40, error: 50 } as const;
  const line = JSON.stringify({ level: levels[level], time: Date.now(), service: 'edge', msg, ...fields });
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
}

function readInteger(variable: string, fallback: number, min: number, max: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${variable} must be an integer between ${min} and ${max}`);
  return value;
}

/** Defaults of a small public deployment; scripts/stack.sh raises them so tests and the bench are not throttled. */
function readRateLimiter(): ClientRateLimiter | undefined {
  const ratePerSecond = readInteger('EDGE_RATE_LIMIT_PER_SECOND', 20, 0, 1_000_000);
  if (ratePerSecond === 0) return undefined;
  const burst = readInteger('EDGE_RATE_LIMIT_BURST', ratePerSecond * 2, 1, 10_000_000);
  return new ClientRateLimiter({ ratePerSecond, burst, maxClients: 100_000 });
}

function main(): void {
  const port = readInteger('EDGE_PORT', 8080, 1, 65535);
  const options: EdgeOptions = {
    upstreams: readUpstreams(),
    upstreamTimeoutMs: readInteger('EDGE_UPSTREAM_TIMEOUT_MS', 30_000, 100, 600_000),
    readinessTimeoutMs: 2000,
    asyncApiDocument: loadAsyncApiDocument(process.env['EDGE_ASYNCAPI_FILE'] || defaultAsyncApiFile(__dirname)),
    log,
    rateLimiter: readRateLimiter(),
    publicBaseUrl: process.env['EDGE_PUBLIC_URL'] || undefined,
  };
  const server = createEdgeServer(options);
  server.listen(port, '0.0.0.0', () => {
    log('info', `listening on port ${port}`, {
      upstreams: Object.fromEntries(Object.entries(options.upstreams).map(([name, urls]) => [name, urls.map((url) => url.origin)])),
    });
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log('info', `shutdown: received ${signal}`);
    // Let in-flight requests finish; the timer bounds a stuck one.
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (error: unknown) {
  log('error', 'boot failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
