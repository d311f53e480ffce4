import { AddressInfo } from 'node:net';
import { createServer, Server } from 'node:http';
import { createEdgeServer, stackReadiness } from './edge-server';
import { edgeTestOptions } from './testing/edge-test-options';
import { nextUpstream, readUpstreams, Upstreams } from './upstreams';

describe('readUpstreams', () => {
  it('reads one URL per service, or several separated by commas (replicas)', () => {
    const upstreams = readUpstreams({ PAYMENTS_URL: 'http://127.0.0.1:3002, http://127.0.0.1:3102' });
    expect(upstreams.payments.map((url) => url.origin)).toEqual(['http://127.0.0.1:3002', 'http://127.0.0.1:3102']);
    expect(upstreams.identity.map((url) => url.origin)).toEqual(['http://127.0.0.1:3001']);
  });

  it.each([
    ['an empty entry', 'http://127.0.0.1:3002,', 'PAYMENTS_URL must be an http:// URL, or several separated by commas'],
    ['not a URL', 'payments', 'PAYMENTS_URL must be an http:// URL, or several separated by commas'],
    ['https', 'http://127.0.0.1:3002,https://127.0.0.1:3102', 'PAYMENTS_URL must list http:// URLs only'],
    ['a replica twice', 'http://127.0.0.1:3002,http://127.0.0.1:3002/', 'PAYMENTS_URL lists a replica twice'],
  ])('refuses %s, naming the variable', (_case, value, message) => {
    expect(() => readUpstreams({ PAYMENTS_URL: value })).toThrow(message);
  });
});

describe('nextUpstream', () => {
  it('gives each replica in turn, per service and per set of upstreams', () => {
    const upstreams = readUpstreams({ PAYMENTS_URL: 'http://127.0.0.1:3002,http://127.0.0.1:3102' });
    const other = readUpstreams({ PAYMENTS_URL: 'http://127.0.0.1:3002,http://127.0.0.1:3102' });
    const ports = (set: Upstreams, n: number) => Array.from({ length: n }, () => nextUpstream(set, 'payments').port);
    expect(ports(upstreams, 5)).toEqual(['3002', '3102', '3002', '3102', '3002']);
    expect(nextUpstream(upstreams, 'identity').port).toBe('3001');
    expect(ports(other, 1)).toEqual(['3002']);
  });
});

/** A service replica that answers its name on every path, and /health/ready with `readyStatus`. */
async function replica(name: string, readyStatus = 200): Promise<{ url: URL; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === '/health/ready' ? readyStatus : 200, { 'content-type': 'text/plain' });
    res.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), server };
}

describe('the edge with several replicas of a service', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function edgeOver(payments: { url: URL }[], others: { url: URL }): Promise<string> {
    const options = edgeTestOptions({
      upstreams: { identity: [others.url], payments: payments.map((p) => p.url) as [URL, ...URL[]], 'bank-connector': [others.url], notifications: [others.url] },
      upstreamTimeoutMs: 2000,
      readinessTimeoutMs: 2000,
    });
    const edge = createEdgeServer(options);
    servers.push(edge);
    await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(edge.address() as AddressInfo).port}`;
  }

  it('forwards requests to the replicas in turn', async () => {
    const [a, b, rest] = await Promise.all([replica('payments-1'), replica('payments-2'), replica('other')]);
    servers.push(a.server, b.server, rest.server);
    const base = await edgeOver([a, b], rest);
    const answers: string[] = [];
    for (let i = 0; i < 4; i += 1) answers.push(await (await fetch(`${base}/v1/payments/${i}`)).text());
    expect(answers).toEqual(['payments-1', 'payments-2', 'payments-1', 'payments-2']);
  });

  it('is ready only when every replica is, and names the status of the one that is not', async () => {
    const [a, b, rest] = await Promise.all([replica('payments-1'), replica('payments-2', 503), replica('other')]);
    servers.push(a.server, b.server, rest.server);
    const upstreams: Upstreams = { identity: [rest.url], payments: [a.url, b.url], 'bank-connector': [rest.url], notifications: [rest.url] };
    const readiness = await stackReadiness({ upstreams, readinessTimeoutMs: 2000 });
    expect(readiness.ready).toBe(false);
    expect(readiness.services.payments).toEqual({ ready: false, status: 503 });
    expect(readiness.services.identity).toEqual({ ready: true, status: 200 });
    const allUp = await stackReadiness({ upstreams: { ...upstreams, payments: [a.url] }, readinessTimeoutMs: 2000 });
    expect(allUp.ready).toBe(true);
  });

  it('is not ready while a replica does not answer at all', async () => {
    const [a, gone, rest] = await Promise.all([replica('payments-1'), replica('payments-2'), replica('other')]);
    servers.push(a.server, rest.server);
    await new Promise((resolve) => gone.server.close(resolve));
    const upstreams: Upstreams = { identity: [rest.url], payments: [a.url, gone.url], 'bank-connector': [rest.url], notifications: [rest.url] };
    const readiness = await stackReadiness({ upstreams, readinessTimeoutMs: 2000 });
    expect(readiness.ready).toBe(false);
    expect(readiness.services.payments).toEqual({ ready: false, status: 'unreachable' });
  });
});
