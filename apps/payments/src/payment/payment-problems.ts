import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { defineProblemTable, ProblemReason, ProblemRow } from '@kirim/platform';
import { LIMIT_PROBLEMS, LimitKind, LimitRefusal } from '../limits/payment-limits-policy';

/** A payer limit's row: the limits policy's problem for it, so the two cannot disagree. */
function limitRow(limit: LimitKind): ProblemRow {
  const status: LimitRefusal['status'] = 422;
  return { status, ...LIMIT_PROBLEMS[limit] };
}

/**
 * The payment feature's refusals, each with its problem: one table, so what the payments
 * controller answers and what its OpenAPI document lists cannot drift (the rows' order is the
 * codes' order there). identity's refusals of the parties are rows too: one is passed on to the
 * payer only when a row has its status, code and result code (`passOn`).
 */
export const PAYMENT_PROBLEMS = defineProblemTable({
  'idempotency-key-missing': { status: 400, code: PROBLEM_CODES.IDEMPOTENCY_KEY_MISSING },
  'idempotency-key-reused': { status: 422, code: PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED },
  /** identity: no user has the payee's phone number or address (UPI ZH, invalid address). */
  'payee-unknown': { status: 404, code: PROBLEM_CODES.PAYEE_NOT_FOUND, resultCode: RESULT_CODES.INVALID_ADDRESS },
  /** identity: the payee has no linked account (UPI XI). */
  'payee-account-missing': { status: 422, code: PROBLEM_CODES.PAYEE_NOT_FOUND, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING },
  /** identity: the payer has no linked account, or is no user there (UPI XH). */
  'payer-account-missing': { status: 422, code: PROBLEM_CODES.PAYER_ACCOUNT_MISSING, resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING },
  /** Said by identity, and checked again here on the parties it resolved. */
  'self-payment': { status: 422, code: PROBLEM_CODES.SELF_PAYMENT },
  /** identity: the address is a merchant's, paid through its orders and collect requests (docs/merchants.md). */
  'payee-is-merchant': { status: 422, code: PROBLEM_CODES.PAYEE_IS_MERCHANT },
  /** Not a UPI limit (no result code): the amount is zero or less. */
  'amount-not-positive': { status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE },
  /** UPI Z8: above the scheme profile's per-transaction limit. */
  'amount-out-of-range': limitRow('per-payment'),
  /** UPI Z8 (NPCI applies it to the daily amount as well). */
  'daily-amount-limit': limitRow('rolling-amount'),
  /** UPI Z7, frequency limit. */
  'daily-count-limit': limitRow('rolling-count'),
  /** UPI FL: in the cooling period after a device is bound, the payment alone is above the cap. */
  'new-device-first-payment-limit': limitRow('cooling-first-payment'),
  /** UPI FP: in the cooling period, the total with this payment would be above the cap. */
  'new-device-amount-limit': limitRow('cooling-amount'),
  /** identity: the payer's payee lookups ran out; its Retry-After is passed on. */
  'rate-limited': { status: 429, code: PROBLEM_CODES.RATE_LIMITED },
  'validation-failed': { status: 400, code: PROBLEM_CODES.VALIDATION_FAILED },
  /** identity could not be asked, or answered what this table does not pass on. */
  'dependency-unavailable': { status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE },
  /** Backpressure (SagaAdmissionGuard): the saga lags past its bound, or the replica has too many in flight; nothing was recorded, Retry-After says when to try again. */
  'payments-overloaded': { status: 503, code: PROBLEM_CODES.PAYMENTS_OVERLOADED },
  'not-found': { status: 404, code: PROBLEM_CODES.NOT_FOUND },
});

/** What POST /v1/payments answers (InitiatePaymentUseCase and the controller's Idempotency-Key check): all but not-found and the admission's refusal. */
export const INITIATE_PAYMENT_PROBLEMS = PAYMENT_PROBLEMS.pick(
  'idempotency-key-missing',
  'idempotency-key-reused',
  'payee-unknown',
  'payee-account-missing',
  'payer-account-missing',
  'self-payment',
  'payee-is-merchant',
  'amount-not-positive',
  'amount-out-of-range',
  'daily-amount-limit',
  'daily-count-limit',
  'new-device-first-payment-limit',
  'new-device-amount-limit',
  'rate-limited',
  'validation-failed',
  'dependency-unavailable',
);

/**
 * What every route that starts a payment for a payer answers, beside its own problems, while the
 * saga lags or the replica has too many in flight (SagaAdmissionGuard, apps/payments/src/admission): 503 with Retry-After.
 */
export const ADMISSION_PROBLEMS = PAYMENT_PROBLEMS.pick('payments-overloaded');

export type InitiatePaymentFailureReason = ProblemReason<typeof INITIATE_PAYMENT_PROBLEMS>;

/** The row each payer limit is refused with. */
export const LIMIT_REFUSAL_REASONS: Readonly<Record<LimitKind, InitiatePaymentFailureReason>> = {
  'per-payment': 'amount-out-of-range',
  'rolling-amount': 'daily-amount-limit',
  'rolling-count': 'daily-count-limit',
  'cooling-first-payment': 'new-device-first-payment-limit',
  'cooling-amount': 'new-device-amount-limit',
};
