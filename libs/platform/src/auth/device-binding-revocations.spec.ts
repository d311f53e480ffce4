import { ProblemException } from '../http/problem-details';
import { parseFeedPage, RevocationFeedPoller } from './device-binding-revocations';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function feed(pages: Record<string, unknown>[]) {
  const asked: string[] = [];
  const fetchFn = (async (url: URL | string) => {
    asked.push(String(url));
    const page = pages.shift();
    if (page === undefined) return new Response('down', { status: 503 });
    return new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, asked };
}

describe('RevocationFeedPoller', () => {
  let now = 1_000_000;
  const poller = (fetchFn: typeof fetch) => new RevocationFeedPoller({ feedUrl: 'http://identity.test/v1/internal/device-binding-revocations', pollIntervalMs: 2000, maxStalenessMs: 30_000, fetch: fetchFn, now: () => now });

  beforeEach(() => {
    now = Date.parse('2026-12-01T10:00:00Z');
  });

  it('reads every page after its cursor and answers from what it read', async () => {
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
      'http://identity.test/v1/internal/device-binding-revocations',
      'http://identity.test/v1/internal/device-binding-revocations?after=7',
      'http://identity.test/v1/internal/device-binding-revocations?after=7',
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

  it('treats a malformed page as a failed read, never a partial one', () => {
    expect(() => parseFeedPage({ revocations: [{ bindingId: 'nope', revokedAt: 'x' }], cursor: '1', hasMore: false })).toThrow('malformed');
    expect(() => parseFeedPage({ revocations: [], cursor: 1, hasMore: false })).toThrow('malformed');
  });
});
