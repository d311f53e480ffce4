import { parseRetryAfter, retryDelayMs, RetryPolicy } from './backoff';

const policy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 10 };
const NOW = new Date('2026-11-28T10:00:00.000Z');

describe('retryDelayMs (exponential backoff, full jitter)', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32_000],
    [7, 60_000],
    [30, 60_000],
  ])('after attempt %i waits between 0 and %i ms', (attempt, ceiling) => {
    expect(retryDelayMs(attempt, policy, () => 0)).toBe(0);
    expect(retryDelayMs(attempt, policy, () => 0.5)).toBe(Math.floor(ceiling / 2));
    const highest = retryDelayMs(attempt, policy, () => 0.999_999_9);
    expect(highest).toBeLessThan(ceiling);
    expect(highest).toBeGreaterThanOrEqual(ceiling - 1);
  });

  it('stays within the bounds whatever the random source says', () => {
    for (const value of [-1, 1, 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      const delay = retryDelayMs(3, policy, () => value);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(4000);
    }
  });

  it('spreads the retries of many deliveries that failed together', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = Array.from({ length: 200 }, () => retryDelayMs(4, policy, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(8000);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  it("honours an endpoint's Retry-After when longer than the jitter, but never beyond the cap", () => {
    expect(retryDelayMs(1, policy, () => 0, 30_000)).toBe(30_000);
    expect(retryDelayMs(1, policy, () => 0, 86_400_000)).toBe(60_000);
    expect(retryDelayMs(7, policy, () => 0.5, 1000)).toBe(30_000);
    expect(retryDelayMs(1, policy, () => 0, -5)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 09:00:00 GMT', NOW)).toBe(0);
  });

  it.each([null, '', '-1', '1.5', 'soon', '12abc', 'Mon, 99 Foo 2026 25:00:00 GMT'])('ignores %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });
});
