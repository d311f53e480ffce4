import { PROBLEM_CODES, ProblemCode, RESULT_CODES } from '@kirim/contracts';
import { defineProblemTable, ProblemFailure } from '@kirim/platform';

/**
 * An expected refusal of a merchant use case, as a value (the controller answers it as problem+json,
 * `problemOf`). A 429 passed on from identity carries when to retry, sent as Retry-After.
 */
export type MerchantFailure = ProblemFailure;

/** The merchant feature's own refusals, each with its problem: one table, so the code and the docs cannot drift. */
const MERCHANT_PROBLEM_TABLE = defineProblemTable({
  'not-found': { status: 404, code: PROBLEM_CODES.NOT_FOUND },
  'already-onboarded': { status: 409, code: PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED },
  'category-unknown': { status: 422, code: PROBLEM_CODES.MERCHANT_CATEGORY_UNKNOWN },
  'handle-invalid': { status: 422, code: PROBLEM_CODES.PAYMENT_ADDRESS_INVALID },
  'handle-reserved': { status: 422, code: PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED },
  'handle-taken': { status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN },
  'handle-confusable': { status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE },
  'settlement-address-not-owned': { status: 422, code: PROBLEM_CODES.SETTLEMENT_ADDRESS_NOT_OWNED },
  'api-key-limit': { status: 409, code: PROBLEM_CODES.MERCHANT_API_KEY_LIMIT },
  'merchant-unavailable': { status: 409, code: PROBLEM_CODES.MERCHANT_UNAVAILABLE },
  'invalid-request': { status: 400, code: PROBLEM_CODES.VALIDATION_FAILED },
  /** UPI Z8: above the per-transaction limit of the merchant's category. */
  'amount-out-of-range': { status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT },
  'order-reference-reused': { status: 409, code: PROBLEM_CODES.MERCHANT_ORDER_REFERENCE_REUSED },
  'order-expired': { status: 422, code: PROBLEM_CODES.MERCHANT_ORDER_EXPIRED },
  'order-already-paid': { status: 409, code: PROBLEM_CODES.MERCHANT_ORDER_ALREADY_PAID },
  'order-not-paid': { status: 409, code: PROBLEM_CODES.MERCHANT_ORDER_NOT_PAID },
  'refund-exceeds-paid': { status: 422, code: PROBLEM_CODES.REFUND_EXCEEDS_PAID },
  'idempotency-key-reused': { status: 422, code: PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED },
  'dependency-unavailable': { status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE },
});

export const MERCHANT_PROBLEMS = MERCHANT_PROBLEM_TABLE.rows;

export type MerchantFailureReason = keyof typeof MERCHANT_PROBLEMS;

export function merchantFailure(reason: MerchantFailureReason, detail: string): MerchantFailure {
  return MERCHANT_PROBLEM_TABLE.failure(reason, detail);
}

/** The problem codes of some reasons, for `@ApiProblems`. */
export function merchantProblemCodes(...reasons: MerchantFailureReason[]): ProblemCode[] {
  return MERCHANT_PROBLEM_TABLE.codes(...reasons);
}
