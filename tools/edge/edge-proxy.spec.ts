import { createServer as createHttpServer, request, Server } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';
import { createEdgeServer } from './edge-server';
import { edgeTestOptions } from './testing/edge-test-options';

/** Real sockets on loopback: the edge's proxying is its I/O, so it is tested through it. */

type LogLine = { level: string; msg: string; fields: Record<string, unknown> };

function listening<T extends Server | TcpServer>(server: T): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closed(server: Server | TcpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function post(port: number, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('the edge in front of a service that fails', () => {
  const servers: (Server | TcpServer)[] = [];
  const sockets: Socket[] = [];

  /** An edge on a free port that sends payments' requests to `paymentsUrl`, and the lines it logs. */
  async function edgeInFrontOf(paymentsUrl: URL): Promise<{ edgePort: number; lines: LogLine[] }> {
    const lines: LogLine[] = [];
    const edge = createEdgeServer(
      edgeTestOptions({
        upstreams: { payments: [paymentsUrl] },
        upstreamTimeoutMs: 200,
        readinessTimeoutMs: 200,
        log: (level, msg, fields = {}) => lines.push({ level, msg, fields }),
      }),
    );
    servers.push(edge);
    return { edgePort: await listening(edge), lines };
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map(closed));
  });

  it('answers 504 problem+json when the service takes the request and never answers, and logs where it waited', async () => {
    const silent = createTcpServer((socket) => sockets.push(socket));
    servers.push(silent);
    const servicePort = await listening(silent);
    const { edgePort, lines } = await edgeInFrontOf(new URL(`http://127.0.0.1:${servicePort}`));

    const answer = await post(edgePort, '/v1/payments');

    expect(answer.status).toBe(504);
    expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 504, code: 'dependency-unavailable', instance: '/v1/payments' });
    expect(lines).toEqual([
      {
        level: 'warn',
        msg: 'upstream request failed',
        fields: expect.objectContaining({ upstream: 'payments', path: '/v1/payments', error: 'upstream timed out', reusedConnection: false, connectedAfterMs: expect.any(Number) }),
      },
    ]);
    expect(lines[0].fields['elapsedMs']).toEqual(expect.any(Number));
  });

  it('answers 502 when nothing listens, and logs that no connection was made', async () => {
    const gone = createHttpServer();
    const port = await listening(gone);
    await closed(gone);
    const { edgePort, lines } = await edgeInFrontOf(new URL(`http://127.0.0.1:${port}`));

    const answer = await post(edgePort, '/v1/payments');

    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 502, code: 'dependency-unavailable' });
    expect(lines).toHaveLength(1);
    expect(lines[0].fields).toMatchObject({ upstream: 'payments', reusedConnection: false, connectedAfterMs: null });
  });
});
