import { Money, PROBLEM_CODES, ProblemCode, RESULT_CODES, ResultCode } from '@kirim/contracts';
import { SchemeProfile } from './scheme-profile';

/**
 * The payer limits of a scheme profile, as pure functions: what a payment may be given what the
 * payer has already sent. Storage, locking and the clock stay with the caller, so these are
 * unit-tested on their own and the use case only wires them (docs/limits-and-scheme-profiles.md).
 */

/** What the payer has sent that counts against the limits (every status but debit_failed). */
export interface PayerUsage {
  /** Payments in the rolling window. */
  readonly count: number;
  /** Their total, minor units. */
  readonly amountMinor: bigint;
  /** The total since the device was bound (minor units); 0 when no cooling period runs. */
  readonly sinceDeviceBoundMinor: bigint;
}

/** The time ranges the limits look at, for one payment at `now`. */
export interface LimitWindows {
  readonly now: Date;
  /** Payments created after this count against the rolling limits. */
  readonly windowStart: Date;
  /** When the payer's device was bound, if its cooling period still runs at `now`; else null. */
  readonly coolingStart: Date | null;
  /** When that cooling period ends; null with coolingStart. */
  readonly coolingEnd: Date | null;
}

export type LimitKind = 'per-payment' | 'rolling-count' | 'rolling-amount' | 'cooling-first-payment' | 'cooling-amount';

export interface LimitRefusal {
  readonly limit: LimitKind;
  readonly status: 422;
  readonly code: ProblemCode;
  readonly resultCode: ResultCode;
  /** What limit, in words; `withFreesAt` adds when it frees up. */
  readonly detail: string;
}

/**
 * The problem each refusal is answered with. UPI result codes: Z8 per-transaction limit (NPCI
 * applies it to the daily amount as well), Z7 frequency limit, FL/FP the new-user cooling period
 * (FL: the payment alone is above the cooling cap; FP: the total in the cooling period would be).
 */
export const LIMIT_PROBLEMS: Readonly<Record<LimitKind, { readonly code: ProblemCode; readonly resultCode: ResultCode }>> = {
  'per-payment': { code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT },
  'rolling-count': { code: PROBLEM_CODES.DAILY_COUNT_LIMIT, resultCode: RESULT_CODES.FREQUENCY_LIMIT },
  'rolling-amount': { code: PROBLEM_CODES.DAILY_AMOUNT_LIMIT, resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT },
  'cooling-first-payment': { code: PROBLEM_CODES.NEW_DEVICE_LIMIT, resultCode: RESULT_CODES.COOLING_PERIOD_FIRST_PAYMENT_LIMIT },
  'cooling-amount': { code: PROBLEM_CODES.NEW_DEVICE_LIMIT, resultCode: RESULT_CODES.COOLING_PERIOD_AMOUNT_LIMIT },
};

/**
 * The windows for a payment at `now`. A null `deviceBoundAt` is a sandbox-login token (local
 * development only; services refuse sandbox login in production): there is no binding to cool
 * down from, so no cooling period applies.
 */
export function limitWindows(profile: SchemeProfile, now: Date, deviceBoundAt: Date | null): LimitWindows {
  const windowStart = new Date(now.getTime() - profile.rollingWindowMs);
  if (deviceBoundAt === null || profile.coolingPeriodMs === 0) return { now, windowStart, coolingStart: null, coolingEnd: null };
  const coolingEnd = new Date(deviceBoundAt.getTime() + profile.coolingPeriodMs);
  return now < coolingEnd ? { now, windowStart, coolingStart: deviceBoundAt, coolingEnd } : { now, windowStart, coolingStart: null, coolingEnd: null };
}

/** The per-payment cap: checked before anything is looked up or stored. */
export function checkPerPaymentLimit(amount: Money, profile: SchemeProfile): LimitRefusal | null {
  if (amount.minorUnits <= profile.perPaymentMaxMinor) return null;
  return refusal('per-payment', `The amount exceeds the per-transaction limit of ${money(profile.perPaymentMaxMinor, profile)} (${profile.name} scheme profile).`);
}

/**
 * The limits that depend on what the payer sent before. The count comes first (it holds whatever
 * the amount), then the cooling period (the tighter amount cap while it runs), then the rolling amount.
 */
export function checkPayerLimits(input: { amount: Money; usage: PayerUsage; windows: LimitWindows; profile: SchemeProfile }): LimitRefusal | null {
  const { amount, usage, windows, profile } = input;
  const hours = (ms: number): string => `${ms / 3_600_000} hours`;

  if (usage.count + 1 > profile.rollingWindowMaxCount) {
    return refusal(
      'rolling-count',
      `The payer has made ${usage.count} payments in the last ${hours(profile.rollingWindowMs)}; the ${profile.name} scheme profile allows ${profile.rollingWindowMaxCount}.`,
    );
  }
  if (windows.coolingStart !== null) {
    const cap = profile.coolingPeriodMaxAmountMinor;
    if (amount.minorUnits > cap) {
      return refusal(
        'cooling-first-payment',
        `In the first ${hours(profile.coolingPeriodMs)} after a device is bound a payer may send at most ${money(cap, profile)} in total; this payment alone is ${money(amount.minorUnits, profile)}.`,
      );
    }
    const total = usage.sinceDeviceBoundMinor + amount.minorUnits;
    if (total > cap) {
      return refusal(
        'cooling-amount',
        `In the first ${hours(profile.coolingPeriodMs)} after a device is bound a payer may send at most ${money(cap, profile)} in total; with this payment it would be ${money(total, profile)}.`,
      );
    }
  }
  const total = usage.amountMinor + amount.minorUnits;
  if (total > profile.rollingWindowMaxAmountMinor) {
    return refusal(
      'rolling-amount',
      `This payment would take the payer's total in the last ${hours(profile.rollingWindowMs)} to ${money(total, profile)}, above the ${profile.name} scheme profile's limit of ${money(profile.rollingWindowMaxAmountMinor, profile)}.`,
    );
  }
  return null;
}

/**
 * The most a payer may already have sent for `amount` to pass every limit of checkPayerLimits:
 * the payment passes exactly when `fitsPayerLimitBounds(usage, bounds)`. The database compares a
 * measured usage with these numbers inside the one statement that also stores the payment
 * (payer_usage_under_lock's caller, migrations/1764810000000), so the rules themselves stay here;
 * a refusal's words still come from checkPayerLimits.
 */
export interface PayerLimitBounds {
  readonly maxCount: number;
  readonly maxAmountMinor: bigint;
  /** Null when no cooling period runs. */
  readonly maxSinceDeviceBoundMinor: bigint | null;
}

export function payerLimitBounds(amount: Money, windows: LimitWindows, profile: SchemeProfile): PayerLimitBounds {
  return {
    maxCount: profile.rollingWindowMaxCount - 1,
    maxAmountMinor: profile.rollingWindowMaxAmountMinor - amount.minorUnits,
    // A payment above the cap alone gets a negative bound: no usage fits it.
    maxSinceDeviceBoundMinor: windows.coolingStart === null ? null : profile.coolingPeriodMaxAmountMinor - amount.minorUnits,
  };
}

export function fitsPayerLimitBounds(usage: PayerUsage, bounds: PayerLimitBounds): boolean {
  return (
    usage.count <= bounds.maxCount &&
    usage.amountMinor <= bounds.maxAmountMinor &&
    (bounds.maxSinceDeviceBoundMinor === null || usage.sinceDeviceBoundMinor <= bounds.maxSinceDeviceBoundMinor)
  );
}

/** A counted payment in the rolling window, for working out when a limit frees up. */
export interface WindowPayment {
  readonly amountMinor: bigint;
  readonly createdAt: Date;
}

/**
 * When the refused payment would fit, all else equal: payments leave the rolling window one by
 * one, oldest first, `rollingWindowMs` after they were made; the cooling cap ends with the
 * cooling period. A lower bound of sorts: a pending payment that fails later frees its share
 * sooner. Null when waiting does not help (the payment is larger than the limit itself).
 * `oldestFirst` are the payments counted in the window, oldest first.
 */
export function limitFreesAt(
  limit: LimitKind,
  input: { amount: Money; oldestFirst: readonly WindowPayment[]; windows: LimitWindows; profile: SchemeProfile },
): Date | null {
  const { amount, oldestFirst, windows, profile } = input;
  const leaves = (payment: WindowPayment): Date => new Date(payment.createdAt.getTime() + profile.rollingWindowMs);
  switch (limit) {
    case 'per-payment':
    case 'cooling-first-payment':
      return limit === 'cooling-first-payment' && amount.minorUnits <= profile.perPaymentMaxMinor ? windows.coolingEnd : null;
    case 'cooling-amount':
      return windows.coolingEnd;
    case 'rolling-count': {
      // One slot is needed: the (count - max + 1)-th oldest payment must have left.
      const mustLeave = oldestFirst.length - profile.rollingWindowMaxCount + 1;
      return mustLeave >= 1 && mustLeave <= oldestFirst.length ? leaves(oldestFirst[mustLeave - 1]) : null;
    }
    case 'rolling-amount': {
      if (amount.minorUnits > profile.rollingWindowMaxAmountMinor) return null;
      const total = oldestFirst.reduce((sum, payment) => sum + payment.amountMinor, 0n);
      let excess = total + amount.minorUnits - profile.rollingWindowMaxAmountMinor;
      for (const payment of oldestFirst) {
        excess -= payment.amountMinor;
        if (excess <= 0n) return leaves(payment);
      }
      return null;
    }
  }
}

/** The refusal's detail with when the limit frees up, if waiting helps. */
export function withFreesAt(refused: LimitRefusal, freesAt: Date | null): LimitRefusal {
  if (freesAt === null) return refused;
  return { ...refused, detail: `${refused.detail} This payment fits the limit from ${freesAt.toISOString()}.` };
}

function refusal(limit: LimitKind, detail: string): LimitRefusal {
  return { limit, status: 422, ...LIMIT_PROBLEMS[limit], detail };
}

function money(minorUnits: bigint, profile: SchemeProfile): string {
  return Money.ofMinor(minorUnits, profile.currency).toString();
}
