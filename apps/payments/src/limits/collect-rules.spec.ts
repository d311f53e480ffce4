import { ConfigError } from '@kirim/platform';
import UPI from './scheme-profiles/upi.json';
import { loadSchemeProfile, parseSchemeProfile } from './scheme-profile';

/** The UPI profile with its collect section replaced (or removed, with undefined). */
function withCollect(collect: unknown): unknown {
  const { collect: _upi, ...rest } = UPI;
  return collect === undefined ? rest : { ...rest, collect };
}

function problemsOf(document: unknown): readonly string[] {
  try {
    parseSchemeProfile(document, 'test profile');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const EXPIRY = { default: 30, min: 1, max: 1440 };

describe("the scheme profile's collect rules", () => {
  it('gives merchant collect requests 30 min by default (1 min to a day) and turns P2P collect off on UPI', () => {
    expect(loadSchemeProfile({ name: 'upi' }).collect).toEqual({ merchantExpiry: { defaultMs: 30 * 60_000, minMs: 60_000, maxMs: 24 * 3_600_000 }, p2pEnabled: false });
  });

  it('takes the same defaults from a profile without a collect section', () => {
    expect(parseSchemeProfile(withCollect(undefined), 'test profile').collect).toEqual(loadSchemeProfile({ name: 'upi' }).collect);
  });

  it('reads a profile\'s own expiries', () => {
    expect(parseSchemeProfile(withCollect({ merchantExpiryMinutes: { default: 10, min: 5, max: 60 }, p2pEnabled: false }), 'test profile').collect.merchantExpiry).toEqual({
      defaultMs: 600_000,
      minMs: 300_000,
      maxMs: 3_600_000,
    });
  });

  it('stops boot naming the field: expiries out of order, beyond UPI\'s 45 days, missing or mistyped', () => {
    expect(problemsOf(withCollect({ merchantExpiryMinutes: { default: 30, min: 60, max: 45 }, p2pEnabled: false }))).toEqual([
      'test profile: collect.merchantExpiryMinutes.min must not be above its max',
      'test profile: collect.merchantExpiryMinutes.default must be between its min and max',
    ]);
    expect(problemsOf(withCollect({ merchantExpiryMinutes: { ...EXPIRY, max: 64_801 }, p2pEnabled: false }))).toEqual([
      'test profile: collect.merchantExpiryMinutes.max must be an integer number of minutes between 1 and 64800',
    ]);
    expect(problemsOf(withCollect({ merchantExpiryMinutes: EXPIRY }))).toEqual(['test profile: collect.p2pEnabled is required']);
    expect(problemsOf(withCollect({ merchantExpiryMinutes: EXPIRY, p2pEnabled: 'no' }))).toEqual(['test profile: collect.p2pEnabled must be true or false']);
    expect(problemsOf(withCollect({ merchantExpiryMinutes: EXPIRY, p2pEnabled: false, expiry: 5 }))).toEqual(['test profile: collect.expiry is not a known field']);
  });

  it('refuses to boot with P2P collect turned on, which this version does not build, rather than pretend to have it', () => {
    expect(problemsOf(withCollect({ merchantExpiryMinutes: EXPIRY, p2pEnabled: true }))).toEqual([
      'test profile: collect.p2pEnabled: person-to-person collect requests are not supported by this version of kirim; only false is accepted',
    ]);
  });
});
