import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleEdgeRequest } from './edge-server';
import { edgeTestOptions } from './testing/edge-test-options';
import { ClientRateLimiter } from './rate-limiter';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('the per-client token bucket', () => {
  it('lets a burst through, then refuses with the seconds until the next token', () => {
    const time = clock();
    const limiter = new ClientRateLimiter({ ratePerSecond: 2, burst: 3, maxClients: 10 }, time.now);
    expect([1, 2, 3].map(() => limiter.take('10.0.0.1').allowed)).toEqual([true, true, true]);
    expect(limiter.take('10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // Half a second refills one token at 2 per second.
    time.advance(500);
    expect(limiter.take('10.0.0.1').allowed).toBe(true);
    expect(limiter.take('10.0.0.1').allowed).toBe(false);
  });

  it('rounds Retry-After up to whole seconds for a slow refill', () => {
    const limiter = new ClientRateLimiter({ ratePerSecond: 0.1, burst: 1, maxClients: 10 }, clock().now);
    limiter.take('a');
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('keeps one bucket per client: one client spending its burst does not throttle another', () => {
    const limiter = new ClientRateLimiter({ ratePerSecond: 1, burst: 1, maxClients: 10 }, clock().now);
    expect(limiter.take('attacker').allowed).toBe(true);
    expect(limiter.take('attacker').allowed).toBe(false);
    expect(limiter.take('someone else').allowed).toBe(true);
  });

  it('never holds more than a full bucket, however long a client was idle', () => {
    const time = clock();
    const limiter = new ClientRateLimiter({ ratePerSecond: 10, burst: 2, maxClients: 10 }, time.now);
    time.advance(3_600_000);
    expect([1, 2, 3].map(() => limiter.take('idle').allowed)).toEqual([true, true, false]);
  });

  it('forgets the longest-idle clients beyond maxClients, so memory stays bounded', () => {
    const limiter = new ClientRateLimiter({ ratePerSecond: 1, burst: 1, maxClients: 3 }, clock().now);
    for (let i = 0; i < 100; i += 1) limiter.take(`198.51.100.${i}`);
    expect(limiter.trackedClients).toBe(3);
  });

  it('refuses settings that would block everything or nothing sensible', () => {
    expect(() => new ClientRateLimiter({ ratePerSecond: 0, burst: 1, maxClients: 1 })).toThrow();
    expect(() => new ClientRateLimiter({ ratePerSecond: 1, burst: 0, maxClients: 1 })).toThrow();
  });
});

describe('the edge applies the limit to proxied routes', () => {
  class RecordedResponse {
    status = 0;
    headers: Record<string, unknown> = {};
    body = '';
    headersSent = false;
    writeHead(status: number, headers: Record<string, unknown> = {}): this {
      this.status = status;
      this.headers = headers;
      this.headersSent = true;
      return this;
    }
    end(body?: string): this {
      this.body = body ?? '';
      return this;
    }
  }
  const options = edgeTestOptions({ rateLimiter: new ClientRateLimiter({ ratePerSecond: 1, burst: 1, maxClients: 10 }, clock().now) });
  const request = (url: string, remoteAddress: string) =>
    ({ method: 'GET', url, headers: { 'x-forwarded-for': '203.0.113.9' }, resume: jest.fn(), socket: { remoteAddress } }) as unknown as IncomingMessage;

  it('answers 429 problem+json with Retry-After once the client has spent its tokens, by socket address (not X-Forwarded-For)', () => {
    const first = new RecordedResponse();
    // The first request spends the one token; the proxy attempt itself is not under test here.
    options.rateLimiter?.take('192.0.2.7');
    handleEdgeRequest(request('/v1/payments/x', '192.0.2.7'), first as unknown as ServerResponse, options);
    expect(first.status).toBe(429);
    expect(first.headers).toMatchObject({ 'retry-after': '1', 'content-type': 'application/problem+json; charset=utf-8' });
    expect(JSON.parse(first.body)).toMatchObject({ status: 429, code: 'rate-limited', type: 'https://kirim.dev/problems/rate-limited', instance: '/v1/payments/x' });
  });

  it('does not count the edge pages (docs, probes) against the limit', () => {
    const res = new RecordedResponse();
    handleEdgeRequest(request('/health/live', '192.0.2.7'), res as unknown as ServerResponse, options);
    expect(res.status).toBe(200);
  });
});
