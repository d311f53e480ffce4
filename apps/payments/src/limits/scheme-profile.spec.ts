import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@kirim/platform';
import { loadSchemeProfile, parseSchemeProfile, PER_PAYMENT_CEILING_MINOR } from './scheme-profile';
import UPI_DOCUMENT from './scheme-profiles/upi.json';

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

describe('scheme profiles', () => {
  it('loads the UPI profile with NPCI P2P limits: ₹1,00,000 a payment, ₹1,00,000 and 20 payments a rolling day, ₹5,000 in the first day of a device', () => {
    expect(loadSchemeProfile({ name: 'upi' })).toEqual({
      name: 'upi',
      currency: 'INR',
      perPaymentMaxMinor: 10_000_000n,
      rollingWindowMs: 24 * 3_600_000,
      rollingWindowMaxAmountMinor: 10_000_000n,
      rollingWindowMaxCount: 20,
      coolingPeriodMs: 24 * 3_600_000,
      coolingPeriodMaxAmountMinor: 500_000n,
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
    expect(problemsOf(() => parseSchemeProfile({ name: 'upi', currency: 'INR' }, 'p'))).toEqual(['p: limits is required']);
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

    it('says a missing or malformed file is one, without echoing its content', () => {
      expect(problemsOf(() => loadSchemeProfile({ name: 'upi', file: join(dir, 'missing.json') }))).toEqual(['SCHEME_PROFILE_FILE cannot be read (ENOENT)']);
      expect(problemsOf(() => loadSchemeProfile({ name: 'upi', file: file('bad.json', '{"secret": ') }))).toEqual(['SCHEME_PROFILE_FILE is not valid JSON']);
    });
  });
});
