import { loadConfig } from '@kirim/platform';
import { PaymentsConfig } from '../payments.config';
import { AdmissionPolicy, admissionPolicyOf, decideAdmission, retryAfterSeconds, SagaLagSample } from './saga-admission-policy';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const POLICY: AdmissionPolicy = { maxLagMs: 10_000, maxRetryAfterSeconds: 10, sampleMaxAgeMs: 5_000, maxInFlight: 64 };

function sampled(lagSeconds: number, msAgo = 0): SagaLagSample {
  return { lagSeconds, sampledAt: new Date(NOW.getTime() - msAgo) };
}

describe('admission by the saga lag', () => {
  describe('the bound', () => {
    it.each([0, 0.4, 9.999, 10])('admits a lag of %s s, at or under the 10 s bound', (lag) => {
      expect(decideAdmission(sampled(lag), NOW, POLICY)).toEqual({ admit: true, why: 'within-bound' });
    });

    it('refuses a lag just over the bound, saying how long it was', () => {
      expect(decideAdmission(sampled(10.001), NOW, POLICY)).toEqual({ admit: false, lagSeconds: 10.001, retryAfterSeconds: 1 });
    });
  });

  describe('Retry-After', () => {
    it.each([
      [10.2, 1],
      [11, 1],
      [11.001, 2],
      [12.5, 3],
      [13, 3],
      // 0.1 + 0.2 style binary fractions must not push a whole number of seconds up by one.
      [10.3 + 2.7, 3],
      [19.9, 10],
      [20, 10],
      [3_600, 10],
    ])('for a lag of %s s over a 10 s bound is %s s', (lag, seconds) => {
      expect(decideAdmission(sampled(lag), NOW, POLICY)).toMatchObject({ admit: false, retryAfterSeconds: seconds });
    });

    it('is whole seconds, at least one, at most the cap', () => {
      expect(retryAfterSeconds(1, 10)).toBe(1);
      expect(retryAfterSeconds(1_000, 10)).toBe(1);
      expect(retryAfterSeconds(1_001, 10)).toBe(2);
      expect(retryAfterSeconds(4_500, 3)).toBe(3);
      expect(retryAfterSeconds(60_000, 30)).toBe(30);
    });
  });

  describe('a sample that is missing or stale', () => {
    it('admits before the first sample', () => {
      expect(decideAdmission(null, NOW, POLICY)).toEqual({ admit: true, why: 'no-fresh-sample' });
    });

    it('still refuses by a sample as old as the limit, and admits once it is older', () => {
      expect(decideAdmission(sampled(60, 5_000), NOW, POLICY)).toMatchObject({ admit: false });
      expect(decideAdmission(sampled(60, 5_001), NOW, POLICY)).toEqual({ admit: true, why: 'no-fresh-sample' });
    });
  });

  describe('the policy from the config', () => {
    const ENV = {
      HTTP_PORT: '3002',
      DATABASE_URL: 'postgres://kirim@127.0.0.1:5432/kirim_payments',
      KAFKA_BROKERS: '127.0.0.1:9092',
      IDENTITY_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
      IDENTITY_URL: 'http://127.0.0.1:3001',
    };

    it('refuses above 10 s of lag, tells to retry within 10 s, trusts a sample for 20 intervals of 250 ms, and takes 128 at once', () => {
      expect(admissionPolicyOf(loadConfig(PaymentsConfig, ENV))).toEqual({ maxLagMs: 10_000, maxRetryAfterSeconds: 10, sampleMaxAgeMs: 5_000, maxInFlight: 128 });
    });

    it('follows the variables', () => {
      const config = loadConfig(PaymentsConfig, {
        ...ENV,
        PAYMENT_ADMISSION_MAX_LAG_MS: '3000',
        PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS: '30',
        PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS: '100',
        PAYMENT_ADMISSION_MAX_IN_FLIGHT: '16',
      });
      expect(admissionPolicyOf(config)).toEqual({ maxLagMs: 3_000, maxRetryAfterSeconds: 30, sampleMaxAgeMs: 2_000, maxInFlight: 16 });
    });
  });
});
