import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@kirim/platform';
import { checkSettleTimeCoversFreshness, loadSchemeProfile, parseSchemeProfile, PER_PAYMENT_CEILING_MINOR } from './scheme-profile';
import UPI_DOCUMENT from './scheme-profiles/upi.json';
import { readFileSync } from 'node:fs';

function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const withLimits = (limits: Record<string, unknown>): unknown => ({ ...UPI_DOCUMENT, limits: { ...UPI_DOCUMENT.limits, ...limits } });
const withSection = (section: 'timeouts' | 'statusChecks' | 'deemedOutcomes' | 'reversals', fields: Record<string, unknown>): unknown => ({
  ...UPI_DOCUMENT,
  [section]: { ...UPI_DOCUMENT[section], ...fields },
});

describe('scheme profiles', () => {
  it('loads the UPI profile with NPCI P2P limits: ₹1,00,000 a payment, ₹1,00,000 and 20 payments a rolling day, ₹5,000 in the first day of a device', () => {
    // toMatchObject: the merchant sections are checked with the merchant rules.
    expect(loadSchemeProfile({ name: 'upi' })).toMatchObject({
      name: 'upi',
      currency: 'INR',
      perPaymentMaxMinor: 10_000_000n,
      rollingWindowMs: 24 * 3_600_000,
      rollingWindowMaxAmountMinor: 10_000_000n,
      rollingWindowMaxCount: 20,
      coolingPeriodMs: 24 * 3_600_000,
      coolingPeriodMaxAmountMinor: 500_000n,
      timeZone: 'Asia/Kolkata',
      timeouts: { payLegMs: 15_000, statusCheckMs: 10_000 },
      statusChecks: { firstAfterMinMs: 45_000, firstAfterMaxMs: 90_000, thenAfterMs: [600_000, 3_000_000], withinMs: 7_200_000 },
      deemedOutcomes: { settleMs: 900_000, debit: 'U67', credit: 'U68', reversal: 'RB' },
      reversals: { dueDaysAfterFailure: 1, retryAfterMs: [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000] },
    });
  });

  describe('timing (NPCI 2025: pay 15 s, check-status 10 s, first check 45-90 s, at most 3 checks in 2 h; RBI T+1)', () => {
    it.each([
      [withSection('timeouts', { payLegSeconds: 0 }), 'timeouts.payLegSeconds must be an integer number of seconds between 1 and 300'],
      [withSection('statusChecks', { firstAfterSeconds: { min: 45 } }), 'statusChecks.firstAfterSeconds.max is required'],
      [withSection('statusChecks', { thenAfterSeconds: [600, 'soon'] }), 'statusChecks.thenAfterSeconds must hold only integer numbers of seconds between 1 and 86400'],
      [withSection('statusChecks', { thenAfterSeconds: 600 }), 'statusChecks.thenAfterSeconds must be a list of seconds'],
      [withSection('deemedOutcomes', { credit: '00' }), 'deemedOutcomes.credit must be a failure result code'],
      [withSection('deemedOutcomes', { debit: 'U99' }), 'deemedOutcomes.debit must be a failure result code'],
      [withSection('reversals', { retryAfterSeconds: [0] }), 'reversals.retryAfterSeconds must hold only integer numbers of seconds between 1 and 604800'],
      [withSection('reversals', { dueDaysAfterFailure: -1 }), 'reversals.dueDaysAfterFailure must be an integer number of days between 0 and 30'],
      [{ ...UPI_DOCUMENT, timeZone: 'India/Delhi' }, 'timeZone must be an IANA time zone name'],
      [withSection('statusChecks', { firstAfterSeconds: { min: 90, max: 45 } }), 'statusChecks.firstAfterSeconds.min must not be above its max'],
      [withSection('statusChecks', { firstAfterSeconds: { min: 10, max: 90 } }), 'statusChecks.firstAfterSeconds.min must be at least timeouts.payLegSeconds (15)'],
      [withSection('statusChecks', { thenAfterSeconds: [600, 5] }), 'statusChecks.thenAfterSeconds must each be at least timeouts.statusCheckSeconds (10)'],
      [withSection('statusChecks', { thenAfterSeconds: [3600, 3600] }), 'statusChecks: the last check can come 7290 s after the request, after withinSeconds (7200)'],
      [withSection('deemedOutcomes', { settleSeconds: 5 }), 'deemedOutcomes.settleSeconds must be at least timeouts.statusCheckSeconds (10)'],
      [{ ...UPI_DOCUMENT, reversals: undefined }, 'reversals is required'],
    ])('refuses %j, naming the field', (document, problem) => {
      const problems = problemsOf(() => parseSchemeProfile(document, 'p'));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`p: ${problem}`);
    });

    it('refuses a settle time shorter than two hops of the signed-record freshness window', () => {
      const upi = loadSchemeProfile({ name: 'upi' });
      // The defaults, 5 min + 30 s of skew, twice: 660 s; UPI settles after 900 s.
      expect(() => checkSettleTimeCoversFreshness(upi, { maxAgeMs: 300_000, maxFutureSkewMs: 30_000 })).not.toThrow();
      expect(() => checkSettleTimeCoversFreshness(upi, { maxAgeMs: 449_000, maxFutureSkewMs: 1_000 })).not.toThrow();
      expect(problemsOf(() => checkSettleTimeCoversFreshness(upi, { maxAgeMs: 449_000, maxFutureSkewMs: 1_500 }))).toEqual([
        'scheme profile upi: deemedOutcomes.settleSeconds (900) must be at least 2 x MESSAGE_MAX_AGE_MS + 2 x MESSAGE_MAX_FUTURE_SKEW_MS = 901 s, so that no copy of a leg request can still be applied once its outcome is deemed',
      ]);
    });
  });

  it('holds the per-payment amount to the hard ceiling of ₹1,00,000, naming the field', () => {
    expect(PER_PAYMENT_CEILING_MINOR.INR).toBe(10_000_000n);
    expect(parseSchemeProfile(withLimits({ perPaymentMax: '100000.00' }), 'test').perPaymentMaxMinor).toBe(10_000_000n);
    expect(problemsOf(() => parseSchemeProfile(withLimits({ perPaymentMax: '100000.01' }), 'scheme profile upi'))).toEqual([
      'scheme profile upi: limits.perPaymentMax must be at most 100000.00 INR (the hard ceiling of a payment)',
    ]);
    // The 18-digit amounts the old setting accepted.
    expect(problemsOf(() => parseSchemeProfile(withLimits({ perPaymentMax: '9999999999999999.99' }), 'p'))[0]).toMatch(/limits\.perPaymentMax must be at most/);
  });

  it.each([
    [{ perPaymentMax: 100000 }, 'limits.perPaymentMax must be a positive decimal string'],
    [{ perPaymentMax: '1.005' }, 'limits.perPaymentMax must be a positive decimal string'],
    [{ perPaymentMax: '0.00' }, 'limits.perPaymentMax must be greater than zero'],
    [{ rollingWindowMaxAmount: '-1' }, 'limits.rollingWindowMaxAmount must be a positive decimal string'],
    [{ rollingWindowMaxCount: 0 }, 'limits.rollingWindowMaxCount must be an integer between 1 and 100000'],
    [{ rollingWindowMaxCount: 2.5 }, 'limits.rollingWindowMaxCount must be an integer between 1 and 100000'],
    [{ rollingWindowHours: 0 }, 'limits.rollingWindowHours must be an integer number of hours between 1 and 720'],
    [{ coolingPeriodHours: -1 }, 'limits.coolingPeriodHours must be an integer number of hours between 0 and 720'],
    [{ coolingPeriodMaxAmount: undefined }, 'limits.coolingPeriodMaxAmount is required'],
    [{ perPaymentMaxx: '5.00' }, 'limits.perPaymentMaxx is not a known field'],
  ])('refuses limits %p, naming the field', (limits, problem) => {
    const problems = problemsOf(() => parseSchemeProfile(withLimits(limits), 'scheme profile x'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`scheme profile x: ${problem}`);
  });

  it('refuses a profile without limits, in another currency or with a bad name', () => {
    expect(problemsOf(() => parseSchemeProfile({ name: 'upi', currency: 'INR' }, 'p'))).toEqual([
      'p: limits is required',
      'p: timeZone is required',
      'p: timeouts is required',
      'p: statusChecks is required',
      'p: deemedOutcomes is required',
      'p: reversals is required',
    ]);
    expect(problemsOf(() => parseSchemeProfile({ ...UPI_DOCUMENT, currency: 'BRL' }, 'p'))).toEqual(['p: currency must be one of INR']);
    expect(problemsOf(() => parseSchemeProfile({ ...UPI_DOCUMENT, name: 'UPI Profile' }, 'p'))[0]).toMatch(/^p: name must be 1 to 32 characters/);
    expect(problemsOf(() => parseSchemeProfile([UPI_DOCUMENT], 'p'))).toEqual(['p must be a JSON object']);
  });

  it('refuses an unknown built-in profile', () => {
    expect(problemsOf(() => loadSchemeProfile({ name: 'pix' }))).toEqual(['SCHEME_PROFILE must be one of upi']);
  });

  describe('from a file (SCHEME_PROFILE_FILE)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kirim-scheme-profile-'));
    const file = (name: string, content: string): string => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };

    it('loads a stricter profile', () => {
      const path = file('strict.json', JSON.stringify({ ...UPI_DOCUMENT, name: 'upi-strict', limits: { ...UPI_DOCUMENT.limits, rollingWindowMaxCount: 10 } }));
      expect(loadSchemeProfile({ name: 'upi', file: path })).toMatchObject({ name: 'upi-strict', rollingWindowMaxCount: 10 });
    });

    it('holds a file to the same ceiling', () => {
      const path = file('loose.json', JSON.stringify(withLimits({ perPaymentMax: '200000.00' })));
      expect(problemsOf(() => loadSchemeProfile({ name: 'upi', file: path }))).toEqual([
        'SCHEME_PROFILE_FILE (scheme profile): limits.perPaymentMax must be at most 100000.00 INR (the hard ceiling of a payment)',
      ]);
    });

    it('starts from a built-in profile with "extends", overriding only what it gives', () => {
      const path = file('compressed.json', JSON.stringify({ extends: 'upi', name: 'upi-fast', statusChecks: { firstAfterSeconds: { min: 20, max: 30 } }, deemedOutcomes: { settleSeconds: 700 } }));
      const profile = loadSchemeProfile({ name: 'upi', file: path });
      expect(profile).toMatchObject({ name: 'upi-fast', perPaymentMaxMinor: 10_000_000n, timeZone: 'Asia/Kolkata' });
      expect(profile.statusChecks).toEqual({ firstAfterMinMs: 20_000, firstAfterMaxMs: 30_000, thenAfterMs: [600_000, 3_000_000], withinMs: 7_200_000 });
      expect(profile.deemedOutcomes).toEqual({ settleMs: 700_000, debit: 'U67', credit: 'U68', reversal: 'RB' });
      expect(problemsOf(() => loadSchemeProfile({ name: 'upi', file: file('unknown-base.json', JSON.stringify({ extends: 'pix' })) }))).toEqual([
        'SCHEME_PROFILE_FILE (scheme profile): extends must name a built-in profile (upi)',
      ]);
    });

    it('loads the local stack\'s profile: UPI limits, a compressed clock that the local freshness window allows', () => {
      const path = join(__dirname, '../../../../deploy/local/scheme-profiles/upi-local.json');
      const profile = loadSchemeProfile({ name: 'upi', file: path });
      const upi = loadSchemeProfile({ name: 'upi' });
      expect(profile).toMatchObject({ name: 'upi-local', perPaymentMaxMinor: upi.perPaymentMaxMinor, rollingWindowMaxCount: upi.rollingWindowMaxCount, timeZone: 'Asia/Kolkata' });
      expect(profile.statusChecks.withinMs).toBeLessThanOrEqual(20_000);
      // scripts/stack.sh: MESSAGE_MAX_AGE_MS=60000, MESSAGE_MAX_FUTURE_SKEW_MS=5000.
      expect(() => checkSettleTimeCoversFreshness(profile, { maxAgeMs: 60_000, maxFutureSkewMs: 5000 })).not.toThrow();
      expect(() => checkSettleTimeCoversFreshness(profile, { maxAgeMs: 300_000, maxFutureSkewMs: 30_000 })).toThrow(ConfigError);
      expect(readFileSync(path, 'utf8')).toContain('"extends": "upi"');
    });

    it('says a missing or malformed file is one, without echoing its content', () => {
      expect(problemsOf(() => loadSchemeProfile({ name: 'upi', file: join(dir, 'missing.json') }))).toEqual(['SCHEME_PROFILE_FILE cannot be read (ENOENT)']);
      expect(problemsOf(() => loadSchemeProfile({ name: 'upi', file: file('bad.json', '{"secret": ') }))).toEqual(['SCHEME_PROFILE_FILE is not valid JSON']);
    });
  });
});
