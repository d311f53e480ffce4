import { finalDueBy, finalInTime, Outage } from './recovery-deadline';

const S = 1000;
const ALLOWANCE = 60 * S;

describe('finalDueBy: final within 60 s of recovery', () => {
  it('is due 60 s after acceptance when no outage touches it', () => {
    expect(finalDueBy(100 * S, 130 * S, [], ALLOWANCE)).toBe(160 * S);
    expect(finalDueBy(100 * S, 130 * S, [{ startedAt: 10 * S, recoveredAt: 50 * S }], ALLOWANCE)).toBe(160 * S);
  });

  it('counts from the recovery of an outage under way at its acceptance', () => {
    expect(finalDueBy(100 * S, 200 * S, [{ startedAt: 90 * S, recoveredAt: 150 * S }], ALLOWANCE)).toBe(210 * S);
  });

  it('counts from the recovery of an outage that began while it was pending and not yet due', () => {
    const outages: Outage[] = [{ startedAt: 120 * S, recoveredAt: 170 * S }];
    expect(finalDueBy(100 * S, 200 * S, outages, ALLOWANCE)).toBe(230 * S);
    expect(finalInTime(100 * S, 200 * S, outages, ALLOWANCE)).toBe(true);
  });

  it('does not excuse a payment with an outage that began after it was already due', () => {
    // Due at 160 s; the outage at 200 s came too late to explain a payment final at 250 s.
    const outages: Outage[] = [{ startedAt: 200 * S, recoveredAt: 240 * S }];
    expect(finalDueBy(100 * S, 250 * S, outages, ALLOWANCE)).toBe(160 * S);
    expect(finalInTime(100 * S, 250 * S, outages, ALLOWANCE)).toBe(false);
  });

  it('does not extend the deadline for an outage that began after the payment was final', () => {
    expect(finalDueBy(100 * S, 130 * S, [{ startedAt: 140 * S, recoveredAt: 300 * S }], ALLOWANCE)).toBe(160 * S);
  });

  it('chains outages that each began before the payment was due, in whatever order they are given', () => {
    const outages: Outage[] = [
      { startedAt: 200 * S, recoveredAt: 230 * S },
      { startedAt: 110 * S, recoveredAt: 150 * S },
    ];
    // 110 s extends it to 210 s; 200 s begins before that, so it is due 290 s.
    expect(finalDueBy(100 * S, 280 * S, outages, ALLOWANCE)).toBe(290 * S);
  });

  it('is never in time for a payment that is not final', () => {
    expect(finalInTime(100 * S, undefined, [], ALLOWANCE)).toBe(false);
  });
});
