import UPI_PROFILE from '../../apps/payments/src/limits/scheme-profiles/upi.json';

/**
 * The open-loop schedule: payment i is due at start + i / rate, for `duration` seconds, whatever
 * happened to the payments before it. Who pays whom and how much is drawn here, before the run, so
 * that nothing but sending is left for the moment a payment is due.
 */

/** Payments a payer may make in a rolling 24 hours (UPI scheme profile, docs/limits-and-scheme-profiles.md). */
export const MAX_PAYMENTS_PER_PAYER: number = UPI_PROFILE.limits.rollingWindowMaxCount;

/** Amounts 1.00 .. 99.99: 20 of them stay inside the ₹5,000 a new device may send on its first day. */
export const MIN_AMOUNT_MINOR = 100;
export const MAX_AMOUNT_MINOR = 9_999;

/** Payments due within [0, duration): i / rate < duration. */
export function paymentCount(ratePerSecond: number, durationSeconds: number): number {
  // The epsilon keeps 0.1/s x 30 s (3.0000000000000004 in floating point) at 3 payments, not 4.
  return Math.max(0, Math.ceil(ratePerSecond * durationSeconds - 1e-9));
}

/** Users a step needs so that no payer pays more than the scheme allows (and at least a payer and a payee). */
export function usersNeeded(ratePerSecond: number, durationSeconds: number): number {
  return Math.max(2, Math.ceil(paymentCount(ratePerSecond, durationSeconds) / MAX_PAYMENTS_PER_PAYER));
}

export interface PlannedPayment {
  readonly index: number;
  /** When it is due, in ms after the step's start. */
  readonly offsetMs: number;
  readonly payerIndex: number;
  readonly payeeIndex: number;
  readonly amountMinor: bigint;
}

/**
 * The step's payments in the order they are due. Payers take turns (payment i is user i mod users's),
 * so each pays at most ceil(count / users) times and a payer's payments are users / rate seconds
 * apart; the payee is anyone else, drawn with `randomInt(max)` (an integer in [0, max)).
 */
export function planSchedule(ratePerSecond: number, durationSeconds: number, users: number, randomInt: (max: number) => number): PlannedPayment[] {
  if (!(ratePerSecond > 0)) throw new Error(`the rate must be positive, got ${ratePerSecond}`);
  if (users < 2) throw new Error('the schedule needs at least two users (someone has to be paid)');
  const count = paymentCount(ratePerSecond, durationSeconds);
  if (Math.ceil(count / users) > MAX_PAYMENTS_PER_PAYER) {
    throw new Error(`${count} payments over ${users} users is more than ${MAX_PAYMENTS_PER_PAYER} per payer; ${usersNeeded(ratePerSecond, durationSeconds)} users are needed`);
  }
  const planned: PlannedPayment[] = [];
  for (let index = 0; index < count; index++) {
    const payerIndex = index % users;
    let payeeIndex = randomInt(users - 1);
    if (payeeIndex >= payerIndex) payeeIndex++;
    planned.push({ index, offsetMs: (index * 1000) / ratePerSecond, payerIndex, payeeIndex, amountMinor: BigInt(MIN_AMOUNT_MINOR + randomInt(MAX_AMOUNT_MINOR - MIN_AMOUNT_MINOR + 1)) });
  }
  return planned;
}

/**
 * The part of a step whose figures count, in ms after its start: from the end of the warm-up (a fifth
 * of the step, at most 10 s: connections opening, the JIT, the first consumer fetches) to the last
 * scheduled moment. After it the offered load stops and the stack only drains its backlog.
 */
export function steadyWindow(durationSeconds: number): { readonly fromMs: number; readonly toMs: number } {
  const warmUpMs = Math.min(10_000, durationSeconds * 200);
  return { fromMs: warmUpMs, toMs: durationSeconds * 1000 };
}
