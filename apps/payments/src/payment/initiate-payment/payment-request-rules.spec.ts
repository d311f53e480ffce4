import { Money } from '@kirim/contracts';
import { checkPaymentAmount, parseIdempotencyKey, requestFingerprint } from './payment-request-rules';

const inr = (value: string) => ({ value, currency: 'INR' as const });

describe('payment request rules', () => {
  describe('Idempotency-Key', () => {
    it.each(['a', 'abc-DEF_123', '0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e', 'x'.repeat(64)])('accepts %s', (key) => {
      expect(parseIdempotencyKey(key)).toBe(key);
    });

    it.each([undefined, '', 'x'.repeat(65), 'has space', 'semi;colon', 'ümlaut', 'a.b'])('refuses %p', (key) => {
      expect(parseIdempotencyKey(key)).toBeNull();
    });

    it('refuses a header sent twice', () => {
      expect(parseIdempotencyKey(['a', 'b'])).toBeNull();
    });
  });

  describe('amount', () => {
    it('parses to minor units without floats', () => {
      const result = checkPaymentAmount(inr('0.29'));
      expect(result).toEqual({ ok: true, amount: Money.ofMinor(29n, 'INR') });
    });

    it('parses the largest amount the contract allows; the limits are the scheme profile\'s', () => {
      const result = checkPaymentAmount(inr('9999999999999999.99'));
      expect(result.ok && result.amount.minorUnits).toBe(999_999_999_999_999_999n);
    });

    it.each(['0', '0.00'])('refuses zero (%s)', (value) => {
      expect(checkPaymentAmount(inr(value))).toMatchObject({ ok: false, reason: 'out-of-range' });
    });

    it.each(['1.234', '-5.00', '1e5', 'abc', ''])('refuses a malformed amount %p', (value) => {
      expect(checkPaymentAmount(inr(value))).toMatchObject({ ok: false, reason: 'invalid' });
    });

    it('refuses an unsupported currency', () => {
      expect(checkPaymentAmount({ value: '1.00', currency: 'USD' as 'INR' })).toMatchObject({ ok: false, reason: 'invalid' });
    });
  });

  describe('request fingerprint', () => {
    const base = { payeePhone: '+919876543210', amount: Money.ofMinor(50_000n, 'INR'), note: 'lunch' };

    it('is a sha256 hex digest', () => {
      expect(requestFingerprint(base)).toMatch(/^[0-9a-f]{64}$/);
    });

    it('is the same for the same payment however the amount was written', () => {
      const parsed = checkPaymentAmount(inr('500'));
      if (!parsed.ok) throw new Error('expected a valid amount');
      expect(requestFingerprint({ ...base, amount: parsed.amount })).toBe(requestFingerprint(base));
    });

    it.each([
      ['payee', { payeePhone: '+919876543211' }],
      ['amount', { amount: Money.ofMinor(50_001n, 'INR') }],
      ['note', { note: 'dinner' }],
      ['missing note', { note: null }],
    ])('differs when the %s differs', (_name, change) => {
      expect(requestFingerprint({ ...base, ...change })).not.toBe(requestFingerprint(base));
    });
  });
});
