import { reversalDueBy } from './reversal-deadline';

const IST = 'Asia/Kolkata';

describe('reversal deadline (RBI T+1, counted in the scheme time zone)', () => {
  it.each([
    // [failure instant (UTC), its day in India, due before (UTC) = 00:00 IST two days after]
    ['2026-11-28T10:00:00.000Z', 'mid-afternoon of 28 Nov', '2026-11-29T18:30:00.000Z'],
    ['2026-11-27T18:30:00.000Z', 'the first instant of 28 Nov', '2026-11-29T18:30:00.000Z'],
    ['2026-11-28T18:29:59.999Z', 'the last instant of 28 Nov', '2026-11-29T18:30:00.000Z'],
    ['2026-11-28T18:30:00.000Z', 'the first instant of 29 Nov', '2026-11-30T18:30:00.000Z'],
    ['2026-11-27T20:00:00.000Z', 'early 28 Nov (still 27 Nov in UTC)', '2026-11-29T18:30:00.000Z'],
    ['2026-12-31T12:00:00.000Z', '31 Dec: T+1 is in the next year', '2027-01-01T18:30:00.000Z'],
    ['2028-02-28T12:00:00.000Z', '28 Feb of a leap year: T+1 is 29 Feb', '2028-02-29T18:30:00.000Z'],
  ])('failed at %s (%s): due before %s', (failedAt, _day, dueBy) => {
    expect(reversalDueBy(new Date(failedAt), IST, 1).toISOString()).toBe(dueBy);
  });

  it('counts other day counts (T+0: the end of the failure day)', () => {
    expect(reversalDueBy(new Date('2026-11-28T10:00:00.000Z'), IST, 0).toISOString()).toBe('2026-11-28T18:30:00.000Z');
    expect(reversalDueBy(new Date('2026-11-28T10:00:00.000Z'), IST, 3).toISOString()).toBe('2026-12-01T18:30:00.000Z');
  });

  it('follows a zone with daylight saving across its change (São Paulo has none since 2019; New York does)', () => {
    // 2026-03-07 12:00 in New York (EST, -05:00); T+1 is 8 Mar, when clocks go forward: due at 9 Mar 00:00 EDT (-04:00).
    expect(reversalDueBy(new Date('2026-03-07T17:00:00.000Z'), 'America/New_York', 1).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(reversalDueBy(new Date('2026-03-07T17:00:00.000Z'), 'America/Sao_Paulo', 1).toISOString()).toBe('2026-03-09T03:00:00.000Z');
  });
});
