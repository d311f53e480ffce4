import { VerifiedTokenCache } from './verified-token-cache';

describe('VerifiedTokenCache', () => {
  let now: number;
  let verifications: string[];
  const verify = (exp: number | undefined) => async (token: string) => {
    verifications.push(token);
    return { payload: { sub: token, ...(exp !== undefined ? { exp } : {}) } };
  };

  beforeEach(() => {
    now = 1_800_000_000_000;
    verifications = [];
  });

  it('verifies a token once and answers its payload again while it may be trusted', async () => {
    const cache = new VerifiedTokenCache(() => now, 60_000, 10);
    const exp = now / 1000 + 300;
    await expect(cache.verified('a.b.c', verify(exp))).resolves.toEqual({ sub: 'a.b.c', exp });
    now += 59_000;
    await expect(cache.verified('a.b.c', verify(exp))).resolves.toEqual({ sub: 'a.b.c', exp });
    expect(verifications).toEqual(['a.b.c']);
  });

  it('verifies again after the maximum age, and after the token expires, whichever comes first', async () => {
    const cache = new VerifiedTokenCache(() => now, 60_000, 10);
    await cache.verified('long', verify(now / 1000 + 300));
    await cache.verified('short', verify(now / 1000 + 10));
    now += 10_000; // "short" has expired
    await cache.verified('long', verify(now / 1000 + 300));
    await cache.verified('short', verify(now / 1000 + 10));
    now += 50_000; // "long" reached the maximum age
    await cache.verified('long', verify(now / 1000 + 300));
    expect(verifications).toEqual(['long', 'short', 'short', 'long']);
  });

  it('never answers for a token other than the one verified, and passes a refusal on without remembering it', async () => {
    const cache = new VerifiedTokenCache(() => now, 60_000, 10);
    await cache.verified('a.b.c', verify(now / 1000 + 300));
    await expect(cache.verified('a.b.X', async () => Promise.reject(new Error('signature')))).rejects.toThrow('signature');
    await expect(cache.verified('a.b.X', async () => Promise.reject(new Error('again')))).rejects.toThrow('again');
  });

  it('does not cache a payload without exp', async () => {
    const cache = new VerifiedTokenCache(() => now, 60_000, 10);
    await cache.verified('no-exp', verify(undefined));
    await cache.verified('no-exp', verify(undefined));
    expect(verifications).toEqual(['no-exp', 'no-exp']);
  });

  it('keeps at most its number of entries, dropping the oldest', async () => {
    const cache = new VerifiedTokenCache(() => now, 60_000, 2);
    const exp = now / 1000 + 300;
    for (const token of ['one', 'two', 'three']) await cache.verified(token, verify(exp));
    await cache.verified('three', verify(exp));
    await cache.verified('one', verify(exp));
    expect(verifications).toEqual(['one', 'two', 'three', 'one']);
  });
});
