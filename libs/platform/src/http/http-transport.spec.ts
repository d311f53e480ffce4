import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { undiciTransport } from './http-transport';

/** A local server answering each request with `handle`; what it received is kept. */
async function serving(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ base: string; received: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }>; close: () => Promise<void> }> {
  const received: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const timeout = (ms = 2_000): AbortSignal => AbortSignal.timeout(ms);

describe('undiciTransport', () => {
  it('sends the method, headers and body, and reads the status, a header and the JSON answer', async () => {
    const server = await serving((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(JSON.stringify({ code: 'rate-limited' }));
    });
    try {
      const response = await undiciTransport(new URL('/v1/x?a=%2B91', server.base), { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"n":1}', signal: timeout() });
      expect({ status: response.status, ok: response.ok, retryAfter: response.headers.get('Retry-After'), missing: response.headers.get('x-none') }).toEqual({ status: 429, ok: false, retryAfter: '7', missing: null });
      expect(await response.json()).toEqual({ code: 'rate-limited' });
      expect(server.received).toEqual([expect.objectContaining({ method: 'POST', url: '/v1/x?a=%2B91', body: '{"n":1}', headers: expect.objectContaining({ authorization: 'Bearer t' }) })]);
    } finally {
      await server.close();
    }
  });

  it('answers a redirect as it is, without following it', async () => {
    const server = await serving((_req, res) => {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    try {
      const response = await undiciTransport(`${server.base}/hook`, { method: 'POST', headers: {}, body: '{}', signal: timeout() });
      await response.body?.cancel();
      expect({ status: response.status, location: response.headers.get('location') }).toEqual({ status: 302, location: '/elsewhere' });
      expect(server.received.map((request) => request.url)).toEqual(['/hook']);
    } finally {
      await server.close();
    }
  });

  it('rejects a JSON read of a body that is not JSON', async () => {
    const server = await serving((_req, res) => res.end('not json'));
    try {
      const response = await undiciTransport(`${server.base}/`, { method: 'GET', headers: {}, signal: timeout() });
      await expect(response.json()).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('gives up when the signal says so, with an error named for the timeout', async () => {
    const server = await serving(() => undefined);
    try {
      await expect(undiciTransport(`${server.base}/slow`, { method: 'GET', headers: {}, signal: timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      await server.close();
    }
  });

  it('reports a refused connection with its code', async () => {
    const server = await serving(() => undefined);
    const { base } = server;
    await server.close();
    await expect(undiciTransport(`${base}/`, { method: 'GET', headers: {}, signal: timeout() })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
