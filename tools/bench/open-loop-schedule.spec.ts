import { MAX_AMOUNT_MINOR, MAX_PAYMENTS_PER_PAYER, MIN_AMOUNT_MINOR, paymentCount, planSchedule, steadyWindow, usersNeeded } from './open-loop-schedule';

/** A deterministic stand-in for crypto.randomInt: cycles through 0, 1, 2, ... modulo max. */
function counterRandom(): (max: number) => number {
  let next = 0;
  return (max) => next++ % max;
}

describe('the open-loop schedule', () => {
  it('schedules payment i at i / rate for the whole duration, and nothing at the end of it', () => {
    const planned = planSchedule(20, 10, 10, counterRandom());
    expect(planned).toHaveLength(200);
    expect(planned.slice(0, 3).map((payment) => payment.offsetMs)).toEqual([0, 50, 100]);
    expect(planned[199].offsetMs).toBe(9950);
    expect(planned.every((payment, i) => payment.index === i)).toBe(true);
  });

  it('counts the payments due within the duration, fractional rates and floating point included', () => {
    expect(paymentCount(1000, 60)).toBe(60_000);
    expect(paymentCount(0.5, 5)).toBe(3); // at 0, 2 and 4 s
    expect(paymentCount(0.1, 30)).toBe(3); // 0.1 x 30 is 3.0000000000000004 in floating point
    expect(paymentCount(2.5, 1)).toBe(3);
  });

  it('needs one payer per 20 payments (the UPI profile), and two users at least', () => {
    expect(MAX_PAYMENTS_PER_PAYER).toBe(20);
    expect(usersNeeded(1000, 60)).toBe(3000);
    expect(usersNeeded(20, 10)).toBe(10);
    expect(usersNeeded(1, 1)).toBe(2);
  });

  it('lets payers take turns, never pays a payer itself, and keeps amounts within 1.00 .. 99.99', () => {
    const users = 7;
    const planned = planSchedule(13, 10, users, counterRandom());
    const perPayer = new Map<number, number>();
    for (const payment of planned) {
      expect(payment.payerIndex).toBe(payment.index % users);
      expect(payment.payeeIndex).not.toBe(payment.payerIndex);
      expect(payment.payeeIndex).toBeGreaterThanOrEqual(0);
      expect(payment.payeeIndex).toBeLessThan(users);
      expect(payment.amountMinor).toBeGreaterThanOrEqual(BigInt(MIN_AMOUNT_MINOR));
      expect(payment.amountMinor).toBeLessThanOrEqual(BigInt(MAX_AMOUNT_MINOR));
      perPayer.set(payment.payerIndex, (perPayer.get(payment.payerIndex) ?? 0) + 1);
    }
    expect(Math.max(...perPayer.values())).toBeLessThanOrEqual(MAX_PAYMENTS_PER_PAYER);
    expect(Math.max(...perPayer.values()) - Math.min(...perPayer.values())).toBeLessThanOrEqual(1);
  });

  it('reaches every payee, the last one included', () => {
    // randomInt(users - 1) at its highest skips the payer and lands on the last user.
    const planned = planSchedule(10, 1, 3, (max) => max - 1);
    expect(planned.filter((payment) => payment.payerIndex !== 2).every((payment) => payment.payeeIndex === 2)).toBe(true);
    expect(planned.filter((payment) => payment.payerIndex === 2).every((payment) => payment.payeeIndex === 1)).toBe(true);
  });

  it('refuses a schedule that would make a payer pay more than 20 times, or has no one to pay', () => {
    expect(() => planSchedule(1000, 60, 2999, counterRandom())).toThrow(/3000 users are needed/);
    expect(() => planSchedule(10, 1, 1, counterRandom())).toThrow(/at least two users/);
    expect(() => planSchedule(0, 1, 2, counterRandom())).toThrow(/positive/);
  });

  it('leaves a warm-up of a fifth of the step, 10 s at most, out of the steady window', () => {
    expect(steadyWindow(10)).toEqual({ fromMs: 2000, toMs: 10_000 });
    expect(steadyWindow(60)).toEqual({ fromMs: 10_000, toMs: 60_000 });
    expect(steadyWindow(5)).toEqual({ fromMs: 1000, toMs: 5000 });
  });
});
