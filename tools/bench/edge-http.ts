import http from 'node:http';
import https from 'node:https';
import { TimedOut } from './task-pool';

/**
 * The open-loop bench's HTTP client of the edge: node:http over keep-alive sockets, with no limit on
 * sockets that would queue due payments behind the ones in flight (an open-loop client sends when a
 * payment is due, not when a connection frees up). Lighter per request than global fetch, and it
 * records nothing: apps/e2e's Api writes every exchange to disk for the sensitive-data audit, which
 * is what the smoke run (closed loop, through Api) is for, not a load of thousands per second.
 */

export interface EdgeAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** The request got no answer: refused, reset or dropped connection. */
export class EdgeUnreachable extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'EdgeUnreachable';
  }
}

/**
 * Sockets at most, far above any in-flight count a 2-core stack sustains and below the process's
 * open-file limit (20,000 here): past it the agent queues requests, which would show as send lag.
 */
const MAX_SOCKETS = 10_000;

export class EdgeHttp {
  private readonly url: URL;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 60_000,
  ) {
    this.url = new URL(baseUrl);
    this.transport = this.url.protocol === 'https:' ? https : http;
    // LIFO reuses the most recently freed socket, so fewer sit idle long enough for the server's
    // keep-alive timeout to close them under the client (a reset on reuse is retried like any
    // network failure, with the same Idempotency-Key).
    const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_SOCKETS, scheduling: 'lifo' as const };
    this.agent = this.url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** Sends one request; resolves with any status; rejects with EdgeUnreachable or TimedOut. */
  request(method: string, path: string, headers: http.OutgoingHttpHeaders, body?: string): Promise<EdgeAnswer> {
    const what = `${method} ${path.replace(/\/[0-9a-f-]{36}/g, '/{id}')}`;
    return new Promise<EdgeAnswer>((resolve, reject) => {
      const request = this.transport.request(
        { agent: this.agent, protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, path: `${this.url.pathname.replace(/\/$/, '')}${path}`, method, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', (error) => reject(new EdgeUnreachable(what, error)));
        },
      );
      request.setTimeout(this.timeoutMs, () => request.destroy(new TimedOut(what, this.timeoutMs)));
      request.on('error', (error) => reject(error instanceof TimedOut ? error : new EdgeUnreachable(what, error)));
      request.end(body);
    });
  }

  /** A JSON body, or the text when it is not JSON. */
  static json(answer: EdgeAnswer): unknown {
    if (!/json/i.test(answer.headers['content-type'] ?? '') || answer.text.length === 0) return answer.text;
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      return answer.text;
    }
  }

  /** Sockets open now (in use or idle). */
  get openSockets(): number {
    const count = (sockets: NodeJS.ReadOnlyDict<unknown[]>): number => Object.values(sockets).reduce((sum, list) => sum + (list?.length ?? 0), 0);
    return count(this.agent.sockets) + count(this.agent.freeSockets);
  }

  close(): void {
    this.agent.destroy();
  }
}
