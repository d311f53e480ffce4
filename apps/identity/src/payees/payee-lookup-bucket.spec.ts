import { FixedClock } from '@kirim/testing';
import { InMemoryPayeeLookupBuckets } from '../testing/in-memory-payment-addresses.fakes';
import { bucketLevelAt, PIX_DICT_BUCKET_DEFAULTS as POLICY, secondsUntilLevel } from './payee-lookup-bucket';

const USER = '11111111-1111-4111-8111-111111111111';

describe('the payee-lookup bucket arithmetic (Pix DICT defaults: 100 tokens, 2 a minute, hit 1, miss 20)', () => {
  const t0 = new Date('2026-12-01T10:00:00.000Z');
  const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

  it('starts full', () => {
    expect(bucketLevelAt(null, t0, POLICY)).toBe(100);
  });

  it('refills 2 tokens a minute, never above the capacity', () => {
    expect(bucketLevelAt({ tokens: 0, refilledAt: t0 }, after(30), POLICY)).toBeCloseTo(1);
    expect(bucketLevelAt({ tokens: 0, refilledAt: t0 }, after(600), POLICY)).toBeCloseTo(20);
    expect(bucketLevelAt({ tokens: 90, refilledAt: t0 }, after(3600), POLICY)).toBe(100);
  });

  it('does not drain when a clock runs behind the stored time', () => {
    expect(bucketLevelAt({ tokens: 10, refilledAt: t0 }, after(-60), POLICY)).toBe(10);
  });

  it('answers Retry-After as the whole seconds until a miss is affordable again, at least 1', () => {
    expect(secondsUntilLevel(0, 20, POLICY)).toBe(600);
    expect(secondsUntilLevel(19, 20, POLICY)).toBe(30);
    expect(secondsUntilLevel(19.5, 20, POLICY)).toBe(15);
    expect(secondsUntilLevel(19.99, 20, POLICY)).toBe(1);
    expect(secondsUntilLevel(25, 20, POLICY)).toBe(1);
  });

  it('lets five misses through a full bucket, refuses the sixth, and allows one more ten minutes later', async () => {
    const clock = new FixedClock(t0);
    const buckets = new InMemoryPayeeLookupBuckets();
    const outcomes: boolean[] = [];
    for (let i = 0; i < 6; i += 1) outcomes.push((await buckets.take(USER, POLICY.missCost, clock.now(), POLICY)).taken);
    expect(outcomes).toEqual([true, true, true, true, true, false]);

    clock.current = after(599);
    expect(await buckets.take(USER, POLICY.missCost, clock.now(), POLICY)).toMatchObject({ taken: false });
    clock.current = after(600);
    expect(await buckets.take(USER, POLICY.missCost, clock.now(), POLICY)).toEqual({ taken: true });
  });
});
