import { Logger } from '@nestjs/common';
import { ProblemException } from '../http/problem-details';
import { InternalHttpClient } from '../service-auth/internal-http-client';
import { ServiceTokenSource } from '../service-auth/service-token-source';
import { RevocationFeedPoller } from './device-binding-revocations';

class FixedTokens extends ServiceTokenSource {
  async tokenFor(): Promise<string> {
    return 'h.payments-for-identity.s';
  }
  forget(): void {
    // A fixed token has nothing to forget.
  }
}

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function feed(pages: Record<string, unknown>[]) {
  const asked: string[] = [];
  const fetchFn = (async (url: URL | string, init?: RequestInit) => {
    asked.push(`${String(url)} ${new Headers(init?.headers).get('authorization') ?? ''}`.trim());
    const page = pages.shift();
    if (page === undefined) return new Response('down', { status: 503 });
    return new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, asked };
}

describe('RevocationFeedPoller', () => {
  let now = 1_000_000;
  const poller = (fetchFn: typeof fetch) =>
    new RevocationFeedPoller({
      client: new InternalHttpClient({ baseUrls: { identity: 'http://identity.test' }, tokens: new FixedTokens(), transport: fetchFn }),
      pollIntervalMs: 2000,
      maxStalenessMs: 30_000,
      now: () => now,
    });

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    now = Date.parse('2026-12-01T10:00:00Z');
  });

  it("reads every page after its cursor with the service's own token, and answers from what it read", async () => {
    const { fetchFn, asked } = feed([
      { revocations: [{ bindingId: A, revokedAt: '2026-12-01T09:59:00Z' }], cursor: '7', hasMore: true },
      { revocations: [], cursor: '7', hasMore: false },
      { revocations: [{ bindingId: B, revokedAt: '2026-12-01T10:00:00Z' }], cursor: '8', hasMore: false },
    ]);
    const revocations = poller(fetchFn);

    expect(await revocations.isRevoked(A)).toBe(true);
    expect(await revocations.isRevoked(B)).toBe(false);
    await revocations.pollOnce();
    expect(await revocations.isRevoked(B)).toBe(true);
    expect(asked).toEqual([
      'http://identity.test/internal/v1/device-binding-revocations Bearer h.payments-for-identity.s',
      'http://identity.test/internal/v1/device-binding-revocations?after=7 Bearer h.payments-for-identity.s',
      'http://identity.test/internal/v1/device-binding-revocations?after=7 Bearer h.payments-for-identity.s',
    ]);
  });

  it('fails closed (503) when the feed has not been read within the staleness bound', async () => {
    const { fetchFn } = feed([{ revocations: [], cursor: '0', hasMore: false }]);
    const revocations = poller(fetchFn);
    expect(await revocations.isRevoked(A)).toBe(false);

    now += 31_000;

    await expect(revocations.isRevoked(A)).rejects.toBeInstanceOf(ProblemException);
  });

  it('forgets a revocation once no token of it can still be valid', async () => {
    const { fetchFn } = feed([
      { revocations: [{ bindingId: A, revokedAt: '2026-12-01T10:00:00Z' }], cursor: '1', hasMore: false },
      { revocations: [], cursor: '1', hasMore: false },
    ]);
    const revocations = poller(fetchFn);
    expect(await revocations.isRevoked(A)).toBe(true);

    now += (900 + 61) * 1000;
    await revocations.pollOnce();

    expect(await revocations.isRevoked(A)).toBe(false);
  });

  it('treats a malformed page as a failed read, never a partial one', async () => {
    const { fetchFn } = feed([{ revocations: [{ bindingId: A, revokedAt: '2026-12-01T10:00:00Z' }, { bindingId: 'nope', revokedAt: 'x' }], cursor: '1', hasMore: false }]);
    const revocations = poller(fetchFn);
    // Nothing was read, so nothing is known: refused (503), not "not revoked".
    await expect(revocations.isRevoked(A)).rejects.toBeInstanceOf(ProblemException);
  });
});
