import fc from 'fast-check';
import { Money } from '@kirim/contracts';
import { checkPayerLimits, checkPerPaymentLimit, fitsPayerLimitBounds, limitFreesAt, limitWindows, PayerUsage, payerLimitBounds, WindowPayment, withFreesAt } from './payment-limits-policy';
import { loadSchemeProfile } from './scheme-profile';

const UPI = loadSchemeProfile({ name: 'upi' });
const HOUR = 3_600_000;
const NOW = new Date('2026-11-28T10:00:00.000Z');
const inr = (value: string): Money => {
  const money = Money.parse({ value, currency: 'INR' });
  if (Money.isError(money)) throw new Error(money.reason);
  return money;
};
const hoursAgo = (hours: number): Date => new Date(NOW.getTime() - hours * HOUR);
const usage = (count: number, amount: string, sinceBound = '0'): PayerUsage => ({
  count,
  amountMinor: inr(amount).minorUnits,
  sinceDeviceBoundMinor: inr(sinceBound).minorUnits,
});

/** Any usage (around the UPI limits) and any payment, with or without a cooling period running. */
const anyPaymentAgainstUsage = fc
  .tuple(fc.integer({ min: 0, max: 40 }), fc.bigInt({ min: 0n, max: 20_000_000n }), fc.bigInt({ min: 0n, max: 20_000_000n }), fc.bigInt({ min: 1n, max: 10_000_000n }), fc.boolean())
  .map(([count, amountMinor, sinceBoundMinor, paymentMinor, cooling]) => ({
    used: { count, amountMinor, sinceDeviceBoundMinor: cooling ? sinceBoundMinor : 0n } satisfies PayerUsage,
    amount: Money.ofMinor(paymentMinor, 'INR'),
    windows: limitWindows(UPI, NOW, cooling ? hoursAgo(1) : null),
  }));

describe('payment limits policy (UPI profile)', () => {
  describe('windows', () => {
    it('looks back 24 hours for the rolling limits', () => {
      expect(limitWindows(UPI, NOW, null).windowStart).toEqual(hoursAgo(24));
    });

    it('runs the cooling period for 24 hours after the device was bound', () => {
      expect(limitWindows(UPI, NOW, hoursAgo(23))).toMatchObject({ coolingStart: hoursAgo(23), coolingEnd: hoursAgo(-1) });
      expect(limitWindows(UPI, NOW, hoursAgo(24))).toMatchObject({ coolingStart: null, coolingEnd: null });
    });

    it('has no cooling period for a sandbox-login token (no device binding) or a profile without one', () => {
      expect(limitWindows(UPI, NOW, null)).toMatchObject({ coolingStart: null });
      expect(limitWindows({ ...UPI, coolingPeriodMs: 0 }, NOW, hoursAgo(1))).toMatchObject({ coolingStart: null });
    });
  });

  describe('per payment', () => {
    it('accepts exactly ₹1,00,000 and refuses one paisa more with Z8', () => {
      expect(checkPerPaymentLimit(inr('100000.00'), UPI)).toBeNull();
      expect(checkPerPaymentLimit(inr('100000.01'), UPI)).toMatchObject({
        limit: 'per-payment',
        status: 422,
        code: 'amount-out-of-range',
        resultCode: 'Z8',
        detail: expect.stringContaining('100000.00 INR'),
      });
    });
  });

  describe('per payer', () => {
    const windows = limitWindows(UPI, NOW, null);
    const check = (amount: string, used: PayerUsage, w = windows) => checkPayerLimits({ amount: inr(amount), usage: used, windows: w, profile: UPI });

    it('lets the 20th payment of the day through and refuses the 21st with Z7', () => {
      expect(check('1.00', usage(19, '19.00'))).toBeNull();
      expect(check('1.00', usage(20, '20.00'))).toMatchObject({
        limit: 'rolling-count',
        code: 'daily-count-limit',
        resultCode: 'Z7',
        detail: expect.stringMatching(/made 20 payments in the last 24 hours; the upi scheme profile allows 20/),
      });
    });

    it('lets the total reach exactly ₹1,00,000 and refuses one paisa more with Z8', () => {
      expect(check('40000.00', usage(3, '60000.00'))).toBeNull();
      expect(check('40000.01', usage(3, '60000.00'))).toMatchObject({
        limit: 'rolling-amount',
        code: 'daily-amount-limit',
        resultCode: 'Z8',
        detail: expect.stringContaining('100000.01 INR'),
      });
    });

    it('caps the first 24 hours on a new device at ₹5,000 in total: FP for the total, FL for one payment alone above it', () => {
      const cooling = limitWindows(UPI, NOW, hoursAgo(2));
      expect(check('1000.00', usage(4, '4000.00', '4000.00'), cooling)).toBeNull();
      expect(check('1000.01', usage(4, '4000.00', '4000.00'), cooling)).toMatchObject({ limit: 'cooling-amount', code: 'new-device-limit', resultCode: 'FP' });
      expect(check('5000.01', usage(0, '0'), cooling)).toMatchObject({ limit: 'cooling-first-payment', code: 'new-device-limit', resultCode: 'FL' });
      // Only what was sent since the binding counts: ₹90,000 from the previous device does not.
      expect(check('5000.00', usage(2, '90000.00', '0'), cooling)).toBeNull();
    });

    it('does not apply the cooling cap once the cooling period is over, or without a device binding', () => {
      expect(check('20000.00', usage(0, '0'), limitWindows(UPI, NOW, hoursAgo(25)))).toBeNull();
      expect(check('20000.00', usage(0, '0'))).toBeNull();
    });

    it('reports the count before the amount when both are over', () => {
      expect(check('100000.00', usage(20, '100000.00'))).toMatchObject({ limit: 'rolling-count' });
    });

    it('never lets a payment through that takes the total or the count over the limits (any usage, any amount)', () => {
      fc.assert(
        fc.property(anyPaymentAgainstUsage, ({ used, amount, windows }) => {
          const refused = checkPayerLimits({ amount, usage: used, windows, profile: UPI });
          const cooling = windows.coolingStart !== null;
          const fits =
            used.count + 1 <= 20 &&
            used.amountMinor + amount.minorUnits <= 10_000_000n &&
            (!cooling || used.sinceDeviceBoundMinor + amount.minorUnits <= 500_000n);
          expect(refused === null).toBe(fits);
        }),
      );
    });
  });

  describe('as bounds the database compares (payerLimitBounds)', () => {
    it('lets a payment through exactly when checkPayerLimits does (any usage, any amount, cooling or not)', () => {
      fc.assert(
        fc.property(anyPaymentAgainstUsage, ({ used, amount, windows }) => {
          const refused = checkPayerLimits({ amount, usage: used, windows, profile: UPI });
          expect(fitsPayerLimitBounds(used, payerLimitBounds(amount, windows, UPI))).toBe(refused === null);
        }),
        { numRuns: 2_000 },
      );
    });

    it('holds at the edges: the 20th payment and the last rupee fit, one more does not', () => {
      const w = limitWindows(UPI, NOW, hoursAgo(1));
      const bounds = payerLimitBounds(inr('1000.00'), w, UPI);
      expect(bounds).toEqual({ maxCount: 19, maxAmountMinor: 9_900_000n, maxSinceDeviceBoundMinor: 400_000n });
      expect(fitsPayerLimitBounds(usage(19, '99000.00', '4000.00'), bounds)).toBe(true);
      expect(fitsPayerLimitBounds(usage(20, '0', '0'), bounds)).toBe(false);
      expect(fitsPayerLimitBounds(usage(0, '99000.01', '0'), bounds)).toBe(false);
      expect(fitsPayerLimitBounds(usage(0, '0', '4000.01'), bounds)).toBe(false);
      expect(payerLimitBounds(inr('1000.00'), limitWindows(UPI, NOW, null), UPI).maxSinceDeviceBoundMinor).toBeNull();
    });
  });

  describe('when a limit frees up', () => {
    const windows = limitWindows(UPI, NOW, null);
    const paid = (hours: number, amount: string): WindowPayment => ({ amountMinor: inr(amount).minorUnits, createdAt: hoursAgo(hours) });

    it('the count: when the oldest counted payment leaves the 24-hour window', () => {
      const oldestFirst = Array.from({ length: 20 }, (_, i) => paid(23 - i, '1.00'));
      expect(limitFreesAt('rolling-count', { amount: inr('1.00'), oldestFirst, windows, profile: UPI })).toEqual(hoursAgo(-1));
    });

    it('the amount: when enough of the oldest payments have left the window', () => {
      const oldestFirst = [paid(20, '30000.00'), paid(10, '30000.00'), paid(5, '40000.00')];
      // ₹50,000 more needs ₹50,000 gone: the first two payments (₹60,000), so from 10 h ago + 24 h.
      expect(limitFreesAt('rolling-amount', { amount: inr('50000.00'), oldestFirst, windows, profile: UPI })).toEqual(hoursAgo(-14));
      expect(limitFreesAt('rolling-amount', { amount: inr('20000.00'), oldestFirst, windows, profile: UPI })).toEqual(hoursAgo(-4));
    });

    it('the cooling cap: when the cooling period ends', () => {
      const cooling = limitWindows(UPI, NOW, hoursAgo(3));
      expect(limitFreesAt('cooling-amount', { amount: inr('100.00'), oldestFirst: [], windows: cooling, profile: UPI })).toEqual(hoursAgo(-21));
      expect(limitFreesAt('cooling-first-payment', { amount: inr('6000.00'), oldestFirst: [], windows: cooling, profile: UPI })).toEqual(hoursAgo(-21));
    });

    it('never, for a payment above the per-payment limit; and the detail says when', () => {
      expect(limitFreesAt('per-payment', { amount: inr('100000.01'), oldestFirst: [], windows, profile: UPI })).toBeNull();
      const refused = checkPerPaymentLimit(inr('100000.01'), UPI);
      if (!refused) throw new Error('expected a refusal');
      expect(withFreesAt(refused, null)).toBe(refused);
      expect(withFreesAt(refused, hoursAgo(-1)).detail).toMatch(/fits the limit from 2026-11-28T11:00:00\.000Z\.$/);
    });
  });
});
