import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@kirim/platform';
import { legTimerPolicy, PaymentsConfig, schemeProfile } from './payments.config';
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
  it('defaults the leg timer to the design: 15 s timeout, checked every second, 5 status checks', () => {
    const config = loadConfig(PaymentsConfig, ENV);
    expect(config.PAYMENT_LEG_TIMEOUT_MS).toBe(15_000);
    expect(config.PAYMENT_LEG_CHECK_INTERVAL_MS).toBe(1000);
    expect(config.PAYMENT_MAX_LEG_CHECKS).toBe(5);
    expect(legTimerPolicy(config)).toEqual({ timeoutMs: 15_000, maxChecks: 5 });
  });

  it('reads the leg timer settings as numbers', () => {
    const config = loadConfig(PaymentsConfig, { ...ENV, PAYMENT_LEG_TIMEOUT_MS: '2000', PAYMENT_LEG_CHECK_INTERVAL_MS: '250', PAYMENT_MAX_LEG_CHECKS: '0' });
    expect([config.PAYMENT_LEG_TIMEOUT_MS, config.PAYMENT_LEG_CHECK_INTERVAL_MS, config.PAYMENT_MAX_LEG_CHECKS]).toEqual([2000, 250, 0]);
  });

  it.each([
    ['PAYMENT_LEG_TIMEOUT_MS', 'soon'],
    ['PAYMENT_LEG_TIMEOUT_MS', '50'],
    ['PAYMENT_LEG_TIMEOUT_MS', '1.5'],
    ['PAYMENT_LEG_CHECK_INTERVAL_MS', '0'],
    ['PAYMENT_MAX_LEG_CHECKS', '-1'],
    ['PAYMENT_MAX_LEG_CHECKS', '21'],
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
