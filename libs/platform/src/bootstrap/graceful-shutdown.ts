import type { Server } from 'node:http';
import { INestApplication, Logger, LoggerService } from '@nestjs/common';
import { shutdownTracing } from '../tracing/tracing-shutdown';

export interface RunOptions {
  /** The interface to listen on (HTTP_HOST): loopback unless the process runs in a container. */
  host: string;
  port: number;
  shutdownTimeoutMs: number;
}

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * How many connections the kernel holds for the service while its event loop is busy (Node's own
 * default is 511; Linux caps it at net.core.somaxconn, 4096 by default). Under overload a replica
 * receives hundreds of new connections at once from the Ingress; past the backlog the kernel drops
 * their handshakes and each caller waits for a retransmission, 1, 3, 7, 15, 31 s later, where it
 * would otherwise be accepted and refused at once with 503 (docs/payment-lifecycle.md, "Backpressure").
 */
export const LISTEN_BACKLOG = 4096;

/** Spans are worth a short wait, never a shutdown that overruns because the collector is away. */
const TRACE_FLUSH_LIMIT_MS = 2_000;

function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // close() stops accepting and resolves once in-flight requests finish; idle keep-alive
    // sockets would otherwise hold it open until they time out.
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * Ordered shutdown: (a) stop taking work, HTTP and Kafka consumers in parallel; (b) app.close(),
 * which runs beforeApplicationShutdown hooks (outbox final flush, producer disconnect) and then
 * closes TypeORM; (c) send the spans still buffered, the last ones being those of (a) and (b).
 * Resolves to the exit code; 1 if it overran `timeoutMs`.
 */
export async function shutdownInOrder(
  app: INestApplication,
  timeoutMs: number,
  logger: LoggerService = new Logger('Shutdown'),
): Promise<number> {
  const steps = async (): Promise<number> => {
    logger.log('shutdown: stop accepting HTTP requests and consuming messages');
    const server = app.getHttpServer() as Server;
    await Promise.all([
      server.listening ? closeHttpServer(server) : Promise.resolve(),
      ...app.getMicroservices().map((microservice) => microservice.close()),
    ]);
    logger.log('shutdown: in-flight work finished; flushing producers and closing the database');
    await app.close();
    if (!(await shutdownTracing(Math.min(TRACE_FLUSH_LIMIT_MS, timeoutMs)))) logger.warn('shutdown: the last spans could not be sent to the trace collector in time');
    logger.log('shutdown: complete');
    return 0;
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      logger.error(`shutdown: exceeded ${timeoutMs} ms, exiting anyway`);
      resolve(1);
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      steps().catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown: failed');
        return 1;
      }),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Listens, then on the first SIGTERM/SIGINT shuts down in order and exits the process. */
export async function runUntilSignalled(app: INestApplication, options: RunOptions): Promise<void> {
  const logger = new Logger('Shutdown');
  // Nest types listen() as (port, hostname) only; it passes every argument on to Node's
  // server.listen(port, host, backlog, callback).
  const listen = app.listen.bind(app) as (...args: unknown[]) => Promise<unknown>;
  await listen(options.port, options.host, LISTEN_BACKLOG);
  logger.log(`listening on ${options.host}:${options.port}`);
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal (e.g. Ctrl-C twice) must not start a second, interleaved shutdown.
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`shutdown: received ${signal}`);
    void shutdownInOrder(app, options.shutdownTimeoutMs, logger).then((code) => process.exit(code));
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
}
