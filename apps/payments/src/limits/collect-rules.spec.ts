import { ConfigError } from '@kirim/platform';
import UPI from './scheme-profiles/upi.json';
import { loadSchemeProfile, parseSchemeProfile } from './scheme-profile';

/** The UPI profile with its collect section replaced (or removed, with undefined). */
function withCollect(collect: unknown): unknown {
  const { collect: _upi, ...rest } = UPI;
  return collect === undefined ? rest : { ...rest, collect };
}

/** The UPI profile with its P2P collect part changed field by field. */
function withP2p(p2p: Record<string, unknown>): unknown {
  return withCollect({ ...UPI.collect, p2p: { ...UPI.collect.p2p, ...p2p } });
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
const THIRTY_MINUTES = { defaultMs: 30 * 60_000, minMs: 60_000, maxMs: 24 * 3_600_000 };

describe("the scheme profile's collect rules", () => {
  it("gives merchant collect requests 30 min by default (1 min to a day) and keeps P2P collect off on UPI, with NPCI's ₹2,000 cap ready", () => {
    expect(loadSchemeProfile({ name: 'upi' }).collect).toEqual({
      merchantExpiry: THIRTY_MINUTES,
      p2p: { enabled: false, maxAmountMinor: 200_000n, expiry: THIRTY_MINUTES },
    });
  });

  it('takes the same values from a profile without a collect section, or without its p2p part', () => {
    const upi = loadSchemeProfile({ name: 'upi' }).collect;
    expect(parseSchemeProfile(withCollect(undefined), 'test profile').collect).toEqual(upi);
    expect(parseSchemeProfile(withCollect({ merchantExpiryMinutes: EXPIRY }), 'test profile').collect).toEqual(upi);
  });

  it("reads a profile's own expiries and P2P rules", () => {
    const collect = parseSchemeProfile(
      withCollect({ merchantExpiryMinutes: { default: 10, min: 5, max: 60 }, p2p: { enabled: true, maxAmount: '1000.00', expiryMinutes: { default: 15, min: 2, max: 120 } } }),
      'test profile',
    ).collect;
    expect(collect).toEqual({
      merchantExpiry: { defaultMs: 600_000, minMs: 300_000, maxMs: 3_600_000 },
      p2p: { enabled: true, maxAmountMinor: 100_000n, expiry: { defaultMs: 900_000, minMs: 120_000, maxMs: 7_200_000 } },
    });
  });

  it('turns P2P collect on from a file that extends UPI and says only that (its cap and expiries are the UPI numbers)', () => {
    // What a SCHEME_PROFILE_FILE of { "extends": "upi", "collect": { "p2p": { "enabled": true } } } is, once merged.
    expect(parseSchemeProfile(withP2p({ enabled: true }), 'test profile').collect.p2p).toEqual({ enabled: true, maxAmountMinor: 200_000n, expiry: THIRTY_MINUTES });
  });

  it("stops boot naming the field: expiries out of order, beyond UPI's 45 days, missing or mistyped", () => {
    expect(problemsOf(withCollect({ merchantExpiryMinutes: { default: 30, min: 60, max: 45 } }))).toEqual([
      'test profile: collect.merchantExpiryMinutes.min must not be above its max',
      'test profile: collect.merchantExpiryMinutes.default must be between its min and max',
    ]);
    expect(problemsOf(withCollect({ merchantExpiryMinutes: { ...EXPIRY, max: 64_801 } }))).toEqual([
      'test profile: collect.merchantExpiryMinutes.max must be an integer number of minutes between 1 and 64800',
    ]);
    expect(problemsOf(withCollect({ p2pEnabled: false }))).toEqual(['test profile: collect.merchantExpiryMinutes is required']);
    expect(problemsOf(withCollect({ merchantExpiryMinutes: EXPIRY, p2pEnabled: 'no' }))).toEqual(['test profile: collect.p2pEnabled must be true or false']);
    expect(problemsOf(withCollect({ merchantExpiryMinutes: EXPIRY, expiry: 5 }))).toEqual(['test profile: collect.expiry is not a known field']);
  });

  it('refuses inconsistent P2P settings at boot', () => {
    expect(problemsOf(withP2p({ enabled: true, maxAmount: '100000.01' }))).toEqual([
      'test profile: collect.p2p.maxAmount must be at most limits.perPaymentMax (100000.00 INR): its payment is a P2P payment',
    ]);
    // Switched off, a stricter profile's lower per-payment cap is not held against the unused P2P cap...
    expect(problemsOf({ ...(withP2p({ enabled: false }) as object), limits: { ...UPI.limits, perPaymentMax: '1000.00' } })).toEqual([]);
    // ...but the section's own rules hold with or without the switch.
    expect(problemsOf(withP2p({ maxAmount: '0.00' }))).toEqual(['test profile: collect.p2p.maxAmount must be greater than zero']);
    expect(problemsOf(withP2p({ maxAmount: 2000 }))).toEqual(['test profile: collect.p2p.maxAmount must be a positive decimal string with at most 2 fraction digits, e.g. "5000.00"']);
    expect(problemsOf(withP2p({ expiryMinutes: { default: 90, min: 1, max: 60 } }))).toEqual(['test profile: collect.p2p.expiryMinutes.default must be between its min and max']);
    expect(problemsOf(withP2p({ expiryMinutes: { default: 30, min: 1, max: 64_801 } }))).toEqual([
      'test profile: collect.p2p.expiryMinutes.max must be an integer number of minutes between 1 and 64800',
    ]);
    expect(problemsOf(withP2p({ enabled: 'yes' }))).toEqual(['test profile: collect.p2p.enabled must be true or false']);
    expect(problemsOf(withCollect({ merchantExpiryMinutes: EXPIRY, p2p: { enabled: true } }))).toEqual([
      'test profile: collect.p2p.maxAmount is required',
      'test profile: collect.p2p.expiryMinutes is required',
    ]);
    expect(problemsOf(withP2p({ limit: '5.00' }))).toEqual(['test profile: collect.p2p.limit is not a known field']);
  });

  it('still reads the old switch, p2pEnabled, as long as it says off or agrees with p2p.enabled', () => {
    // A file written before collect.p2p: off, on the default P2P rules.
    expect(parseSchemeProfile(withCollect({ merchantExpiryMinutes: EXPIRY, p2pEnabled: false }), 'test profile').collect.p2p).toEqual({
      enabled: false,
      maxAmountMinor: 200_000n,
      expiry: THIRTY_MINUTES,
    });
    // A file extending UPI that still says p2pEnabled: false (merged with UPI's p2p part).
    expect(problemsOf(withCollect({ ...UPI.collect, p2pEnabled: false }))).toEqual([]);
    // On without its cap and expiries: refused rather than run on numbers nobody chose.
    expect(problemsOf(withCollect({ merchantExpiryMinutes: EXPIRY, p2pEnabled: true }))).toEqual([
      'test profile: collect.p2pEnabled: true needs collect.p2p { enabled, maxAmount, expiryMinutes }, which replaces it; give that instead',
    ]);
    expect(problemsOf(withCollect({ ...UPI.collect, p2pEnabled: true }))).toEqual([
      'test profile: collect.p2pEnabled (true) contradicts collect.p2p.enabled (false); drop collect.p2pEnabled, which collect.p2p replaces',
    ]);
  });
});
