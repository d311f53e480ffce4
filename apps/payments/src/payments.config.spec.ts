import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@kirim/platform';
import { PaymentsConfig, schemeProfile } from './payments.config';
import UPI_DOCUMENT from './limits/scheme-profiles/upi.json';

const ENV = {
  HTTP_PORT: '3002',
  DATABASE_URL: 'postgres://kirim@127.0.0.1:5432/kirim_payments',
  KAFKA_BROKERS: '127.0.0.1:9092',
  IDENTITY_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
  IDENTITY_URL: 'http://127.0.0.1:3001',
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(PaymentsConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('PaymentsConfig', () => {
  it('polls the timers every second unless told otherwise; the timing itself is the scheme profile\'s', () => {
    expect(loadConfig(PaymentsConfig, ENV).PAYMENT_LEG_CHECK_INTERVAL_MS).toBe(1000);
    expect(loadConfig(PaymentsConfig, { ...ENV, PAYMENT_LEG_CHECK_INTERVAL_MS: '250' }).PAYMENT_LEG_CHECK_INTERVAL_MS).toBe(250);
    expect(loadConfig(PaymentsConfig, { ...ENV, PAYMENT_LEG_TIMEOUT_MS: '2000' })).not.toHaveProperty('PAYMENT_LEG_TIMEOUT_MS');
  });

  it('refuses new payments above 10 s of saga lag, sampled every 250 ms, with Retry-After of at most 10 s, or past 128 in flight, unless told otherwise', () => {
    expect(loadConfig(PaymentsConfig, ENV)).toMatchObject({
      PAYMENT_ADMISSION_MAX_LAG_MS: 10_000,
      PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS: 250,
      PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS: 10,
      PAYMENT_ADMISSION_MAX_IN_FLIGHT: 128,
    });
    const tuned = loadConfig(PaymentsConfig, {
      ...ENV,
      PAYMENT_ADMISSION_MAX_LAG_MS: '5000',
      PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS: '100',
      PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS: '30',
      PAYMENT_ADMISSION_MAX_IN_FLIGHT: '200',
    });
    expect(tuned).toMatchObject({ PAYMENT_ADMISSION_MAX_LAG_MS: 5000, PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS: 100, PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS: 30, PAYMENT_ADMISSION_MAX_IN_FLIGHT: 200 });
  });

  it('keeps two calls to identity out at once unless told otherwise', () => {
    expect(loadConfig(PaymentsConfig, ENV).PARTY_LOOKUP_CALLS_IN_FLIGHT).toBe(2);
    expect(loadConfig(PaymentsConfig, { ...ENV, PARTY_LOOKUP_CALLS_IN_FLIGHT: '1' }).PARTY_LOOKUP_CALLS_IN_FLIGHT).toBe(1);
  });

  it.each([
    ['PARTY_LOOKUP_CALLS_IN_FLIGHT', '0'],
    ['PARTY_LOOKUP_CALLS_IN_FLIGHT', '33'],
    ['PARTY_LOOKUP_CALLS_IN_FLIGHT', '1.5'],
    ['PAYMENT_LEG_CHECK_INTERVAL_MS', '0'],
    ['PAYMENT_LEG_CHECK_INTERVAL_MS', 'soon'],
    // Below a second the bound would refuse on a broker's ordinary hiccups.
    ['PAYMENT_ADMISSION_MAX_LAG_MS', '999'],
    ['PAYMENT_ADMISSION_MAX_LAG_MS', '600001'],
    ['PAYMENT_ADMISSION_MAX_LAG_MS', '10s'],
    ['PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS', '10'],
    ['PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS', '5001'],
    ['PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS', '0'],
    ['PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS', '2.5'],
    ['PAYMENT_ADMISSION_MAX_IN_FLIGHT', '0'],
    ['PAYMENT_ADMISSION_MAX_IN_FLIGHT', '10001'],
    ['PAYMENT_ADMISSION_MAX_IN_FLIGHT', 'many'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const problems = problemsOf({ ...ENV, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} must be an integer`));
  });

  describe('scheme profile', () => {
    it('runs the UPI profile unless told otherwise', () => {
      const config = loadConfig(PaymentsConfig, ENV);
      expect(config.SCHEME_PROFILE).toBe('upi');
      expect(schemeProfile(config)).toMatchObject({ name: 'upi', perPaymentMaxMinor: 10_000_000n, rollingWindowMaxCount: 20 });
    });

    it('stops boot when the settle time is shorter than the freshness window of this deployment allows', () => {
      const config = loadConfig(PaymentsConfig, ENV);
      expect(schemeProfile(config, { MESSAGE_MAX_AGE_MS: 300_000, MESSAGE_MAX_FUTURE_SKEW_MS: 30_000 }).name).toBe('upi');
      expect(() => schemeProfile(config, { MESSAGE_MAX_AGE_MS: 600_000, MESSAGE_MAX_FUTURE_SKEW_MS: 30_000 })).toThrow(/deemedOutcomes\.settleSeconds \(900\) must be at least .* = 1260 s/);
    });

    it('refuses an unknown profile name, naming the variable', () => {
      expect(problemsOf({ ...ENV, SCHEME_PROFILE: 'pix' })).toEqual(['SCHEME_PROFILE must be one of upi']);
    });

    it('has no PAYMENT_MAX_AMOUNT_MINOR any more: the per-payment cap is the profile\'s', () => {
      const config = loadConfig(PaymentsConfig, { ...ENV, PAYMENT_MAX_AMOUNT_MINOR: '999999999999999999' });
      expect(config).not.toHaveProperty('PAYMENT_MAX_AMOUNT_MINOR');
      expect(schemeProfile(config).perPaymentMaxMinor).toBe(10_000_000n);
    });

    it('stops boot on a profile file above the ₹1,00,000 ceiling, naming the field', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'kirim-payments-config-')), 'profile.json');
      writeFileSync(file, JSON.stringify({ ...UPI_DOCUMENT, limits: { ...UPI_DOCUMENT.limits, perPaymentMax: '150000.00' } }));
      const config = loadConfig(PaymentsConfig, { ...ENV, SCHEME_PROFILE_FILE: file });
      expect(() => schemeProfile(config)).toThrow(ConfigError);
      expect(() => schemeProfile(config)).toThrow(/limits\.perPaymentMax must be at most 100000\.00 INR/);
    });
  });
});
