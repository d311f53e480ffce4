// What a fault-injecting bank does with each leg of a payment, the fast-check arbitraries that choose
// it, and the ending docs/payment-lifecycle.md gives a payment under it. For integration tests only.
import fc from 'fast-check';
import { EVENT_TYPES, PaymentStatus, RESULT_CODES, ResultCode } from '@kirim/contracts';

/** What the bank decides on a request it takes: apply it (it declines a debit anyway without the funds), or decline it. */
export type LegAnswer = { readonly kind: 'succeed' } | { readonly kind: 'decline'; readonly code: ResultCode };

/**
 * How the bank's answer travels:
 * - `prompt`: at once; `twice`: at once, twice: a second answer of its own (a bank answering again), or
 *   the same signed record published again (an outbox relay that died between publishing and deleting:
 *   docs/message-signing.md has consumers refuse it as `replayed`);
 * - `lost`: applied, the answer lost; a status check (a re-send of the request) gets it, from the bank's record;
 * - `slow`: applied, every answer (to the request and its re-sends) held `ms`, well inside the leg's deemed outcome;
 * - `after-deemed`: applied, every answer held until payments has deemed the leg's outcome (a late answer);
 * - `unanswered`: the bank never sees the attempt: the request and every status check of it are dropped.
 *   A reversal retried with the same requestId after that is taken, promptly.
 */
export type LegDelivery =
  | { readonly kind: 'prompt' }
  | { readonly kind: 'twice'; readonly sameRecord: boolean }
  | { readonly kind: 'lost' }
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'after-deemed' }
  | { readonly kind: 'unanswered' };

export interface LegFault {
  readonly answer: LegAnswer;
  readonly delivery: LegDelivery;
}

/**
 * One payment's plan: its debit, its credit, and its reversal attempts by requestId in the order the
 * bank sees them (a retry after `unanswered` keeps its requestId and so its entry); a reversal past
 * the list is answered at once.
 */
export interface PaymentFaultPlan {
  readonly debit: LegFault;
  readonly credit: LegFault;
  readonly reversals: readonly LegFault[];
}

export const ANSWER_AT_ONCE: LegFault = { answer: { kind: 'succeed' }, delivery: { kind: 'prompt' } };

const SUCCEED: LegAnswer = { kind: 'succeed' };

/** Decline codes a bank gives each leg (a reversal is a credit back into the payer's account). */
const DEBIT_DECLINES: readonly ResultCode[] = [RESULT_CODES.INSUFFICIENT_FUNDS, RESULT_CODES.REMITTER_ACCOUNT_FROZEN, RESULT_CODES.REMITTER_BANK_OFFLINE, RESULT_CODES.WRONG_PIN];
const CREDIT_DECLINES: readonly ResultCode[] = [RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING, RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN, RESULT_CODES.BENEFICIARY_BANK_OFFLINE];
const REVERSAL_DECLINES: readonly ResultCode[] = [RESULT_CODES.REMITTER_ACCOUNT_FROZEN, RESULT_CODES.REMITTER_BANK_OFFLINE];

function answerArbitrary(declines: readonly ResultCode[], declineWeight: number): fc.Arbitrary<LegAnswer> {
  return fc.oneof(
    { arbitrary: fc.constant(SUCCEED), weight: 4 },
    { arbitrary: fc.constantFrom(...declines).map((code): LegAnswer => ({ kind: 'decline', code })), weight: declineWeight },
  );
}

/** The faults that end well inside a leg's deemed outcome. `maxSlowMs` stays below the first status check's latest time plus a check or two. */
function shortDeliveryArbitrary(maxSlowMs: number): fc.Arbitrary<LegDelivery> {
  return fc.oneof(
    { arbitrary: fc.constant<LegDelivery>({ kind: 'prompt' }), weight: 3 },
    { arbitrary: fc.boolean().map((sameRecord): LegDelivery => ({ kind: 'twice', sameRecord })), weight: 2 },
    { arbitrary: fc.constant<LegDelivery>({ kind: 'lost' }), weight: 2 },
    { arbitrary: fc.integer({ min: 100, max: maxSlowMs }).map((ms): LegDelivery => ({ kind: 'slow', ms })), weight: 2 },
  );
}

export interface FaultPlanOptions {
  /** The profile's automatic reversal retries (reversals.retryAfterSeconds): a plan may use them all up. */
  readonly reversalRetries: number;
  /** The longest `slow` answer, well inside a leg's deemed outcome. */
  readonly maxSlowMs: number;
  /** Whether a leg may wait for a deemed outcome (`unanswered`, `after-deemed`); default true. */
  readonly waitsForDeemed?: boolean;
}

/**
 * A payment's plan. At most one leg per payment gets a fault that waits for a deemed outcome
 * (`unanswered`, `after-deemed`): each costs the profile's checks and settle time, and one per payment
 * keeps a run short while every such path still comes up across runs. A reversal's late answer is
 * always a success (a late decline of a deemed reversal can land before or after its retry, which
 * makes the attempt count a race; the state machine's specs cover it).
 */
export function paymentFaultPlanArbitrary(options: FaultPlanOptions): fc.Arbitrary<PaymentFaultPlan> {
  const short = shortDeliveryArbitrary(options.maxSlowMs);
  const leg = (declines: readonly ResultCode[], declineWeight: number): fc.Arbitrary<LegFault> => fc.record({ answer: answerArbitrary(declines, declineWeight), delivery: short });
  const waitsForDeemed = fc.record({
    leg: fc.constantFrom('debit' as const, 'credit' as const, 'reversal' as const),
    delivery: fc.constantFrom<LegDelivery>({ kind: 'unanswered' }, { kind: 'after-deemed' }),
    answer: answerArbitrary(REVERSAL_DECLINES, 1),
    position: fc.nat(),
  });
  return fc
    .record({
      debit: leg(DEBIT_DECLINES, 1),
      // Declined credits more often: each starts a reversal, where most of the faults' paths are.
      credit: leg(CREDIT_DECLINES, 2),
      reversals: fc.array(leg(REVERSAL_DECLINES, 3), { maxLength: options.reversalRetries + 1 }),
      waitsForDeemed: options.waitsForDeemed === false ? fc.constant(null) : fc.option(waitsForDeemed, { freq: 2 }),
    })
    .map(({ debit, credit, reversals, waitsForDeemed: long }): PaymentFaultPlan => {
      if (long === null) return { debit, credit, reversals };
      switch (long.leg) {
        case 'debit':
          return { debit: { ...debit, delivery: long.delivery }, credit, reversals };
        case 'credit':
          return { debit, credit: { ...credit, delivery: long.delivery }, reversals };
        case 'reversal': {
          const answer = long.delivery.kind === 'after-deemed' ? SUCCEED : long.answer;
          const at = long.position % (reversals.length + 1);
          return { debit, credit, reversals: [...reversals.slice(0, at), { answer, delivery: long.delivery }, ...reversals.slice(at)] };
        }
      }
    });
}

/** What the bank did with a payment's debit: the ground truth (it declines a debit it lacks the funds for, whatever the plan said). */
export type DebitAtBank = { readonly seen: false } | { readonly seen: true; readonly applied: boolean; readonly resultCode: ResultCode };

export type LifecycleEventType = typeof EVENT_TYPES.PAYMENT_INITIATED | typeof EVENT_TYPES.PAYMENT_COMPLETED | typeof EVENT_TYPES.PAYMENT_FAILED | typeof EVENT_TYPES.PAYMENT_REVERSED;

/** Where the payment must end: a final state, or `reversal_failed` with its retries used up (left to an operator). */
export interface ExpectedEnding {
  readonly status: Extract<PaymentStatus, 'completed' | 'debit_failed' | 'reversed' | 'reversal_failed'>;
  readonly resultCode: ResultCode;
  /** The lifecycle events on payments.events.v1, one per transition, in order. */
  readonly events: readonly LifecycleEventType[];
  /** The payee's bank made a credit the profile had deemed failed (the payer is reversed too): recorded, left to reconciliation. */
  readonly lateCredit: boolean;
  /** Reversal attempts: a range where a late answer races the retry of the attempt it answers. */
  readonly reversalAttempts: { readonly min: number; readonly max: number };
  /** Net money out of the payer's account (minor units, as a multiple of the amount: 0 or 1) and into the payee's. */
  readonly payerPays: 0 | 1;
  readonly payeeGets: 0 | 1;
}

/**
 * The ending docs/payment-lifecycle.md gives a payment under `plan`, given what the bank did with its
 * debit (the one thing a plan does not decide alone: the payer's balance when the bank takes it).
 */
export function expectedEnding(plan: PaymentFaultPlan, debit: DebitAtBank, profile: { readonly deemedDebit: ResultCode; readonly deemedCredit: ResultCode; readonly reversalRetries: number }): ExpectedEnding {
  const { PAYMENT_INITIATED: INITIATED, PAYMENT_COMPLETED: COMPLETED, PAYMENT_FAILED: FAILED, PAYMENT_REVERSED: REVERSED } = EVENT_TYPES;
  const none = { min: 0, max: 0 };
  const lateDebit = plan.debit.delivery.kind === 'after-deemed';
  if (!debit.seen || !debit.applied) {
    // Never taken (unanswered), declined, or declined after its outcome was deemed: no money moved.
    const resultCode = !debit.seen || lateDebit ? profile.deemedDebit : debit.resultCode;
    return { status: 'debit_failed', resultCode, events: [INITIATED, FAILED], lateCredit: false, reversalAttempts: none, payerPays: 0, payeeGets: 0 };
  }
  // The debit was made.
  let reasonCode: ResultCode;
  let eventsBefore: LifecycleEventType[];
  let lateCredit = false;
  if (lateDebit) {
    // Deemed failed (U67, the payer told), then made: reversed, keeping U67.
    reasonCode = profile.deemedDebit;
    eventsBefore = [INITIATED, FAILED];
  } else {
    const credit = plan.credit;
    eventsBefore = [INITIATED];
    if (credit.delivery.kind === 'unanswered') reasonCode = profile.deemedCredit;
    else if (credit.delivery.kind === 'after-deemed') {
      reasonCode = profile.deemedCredit;
      lateCredit = credit.answer.kind === 'succeed';
    } else if (credit.answer.kind === 'decline') reasonCode = credit.answer.code;
    else return { status: 'completed', resultCode: RESULT_CODES.SUCCESS, events: [INITIATED, COMPLETED], lateCredit: false, reversalAttempts: none, payerPays: 1, payeeGets: 1 };
  }
  const payeeGets = lateCredit ? 1 : 0;
  const reversal = reversalOutcome(plan.reversals, profile.reversalRetries + 1);
  if (reversal.reversed) {
    // A declined credit is reversed as U31; a deemed one keeps its deemed code.
    const resultCode = reasonCode === profile.deemedDebit || reasonCode === profile.deemedCredit ? reasonCode : RESULT_CODES.CREDIT_FAILED;
    return { status: 'reversed', resultCode, events: [...eventsBefore, REVERSED], lateCredit, reversalAttempts: reversal.attempts, payerPays: 0, payeeGets };
  }
  return { status: 'reversal_failed', resultCode: reasonCode, events: eventsBefore, lateCredit, reversalAttempts: reversal.attempts, payerPays: 1, payeeGets };
}

/**
 * Plays the reversal attempts against the plan: a decline uses an attempt and the next gets a new
 * requestId (the next plan entry); an unanswered attempt is deemed (RB) and retried with the same
 * requestId, which the bank then takes with the entry's answer; `maxAttempts` ends it for an operator.
 */
function reversalOutcome(plan: readonly LegFault[], maxAttempts: number): { readonly reversed: boolean; readonly attempts: { readonly min: number; readonly max: number } } {
  let attempts = 0;
  for (let index = 0; ; index += 1) {
    const fault = plan[index] ?? ANSWER_AT_ONCE;
    attempts += 1;
    if (fault.delivery.kind === 'after-deemed') {
      // Deemed unanswered, and the success arrives before or after the retry (if one is left).
      return { reversed: true, attempts: { min: attempts, max: Math.min(attempts + 1, maxAttempts) } };
    }
    if (fault.delivery.kind === 'unanswered') {
      if (attempts === maxAttempts) return { reversed: false, attempts: { min: attempts, max: attempts } };
      attempts += 1;
    }
    if (fault.answer.kind === 'succeed') return { reversed: true, attempts: { min: attempts, max: attempts } };
    if (attempts === maxAttempts) return { reversed: false, attempts: { min: attempts, max: attempts } };
  }
}

/** A short description of a plan for a failure message (no ids, no amounts). */
export function describePlan(plan: PaymentFaultPlan): string {
  const leg = (fault: LegFault): string =>
    `${fault.answer.kind === 'succeed' ? 'ok' : `decline ${fault.answer.code}`}/${fault.delivery.kind}${fault.delivery.kind === 'slow' ? ` ${fault.delivery.ms}ms` : ''}${fault.delivery.kind === 'twice' && fault.delivery.sameRecord ? ' (same record)' : ''}`;
  return `debit ${leg(plan.debit)}; credit ${leg(plan.credit)}; reversals [${plan.reversals.map(leg).join(', ')}]`;
}
