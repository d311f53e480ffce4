import { PROBLEM_CODES, ProblemCode, RESULT_CODES } from '@kirim/contracts';
import { defineProblemTable } from '@kirim/platform';
import type { MerchantFailure } from '../merchant/merchant-problems';

/**
 * A collect use case's expected refusal: the merchant feature's failure value, so that the payment
 * a collect request is approved through (an order's, or a P2P one's: the same shape) and the collect
 * rules refuse alike (one problem renderer, `problemOf`).
 */
export type CollectFailure = MerchantFailure;

/** The collect feature's own refusals, each with its problem: one table, so the code and the docs cannot drift. */
const COLLECT_PROBLEM_TABLE = defineProblemTable({
  'not-found': { status: 404, code: PROBLEM_CODES.NOT_FOUND },
  'invalid-request': { status: 400, code: PROBLEM_CODES.VALIDATION_FAILED },
  'reference-reused': { status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED },
  /** UPI U69: "collect request expired". */
  expired: { status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: RESULT_CODES.COLLECT_EXPIRED },
  'not-pending': { status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING },
  'p2p-disabled': { status: 403, code: PROBLEM_CODES.P2P_COLLECT_DISABLED },
  /** Between people: payTo is not the requester's own custom address with a linked account, or no longer leads to them. */
  'pay-to-not-usable': { status: 422, code: PROBLEM_CODES.PAY_TO_ADDRESS_NOT_USABLE },
  /** Between people: the customer is the requester. */
  'self-request': { status: 422, code: PROBLEM_CODES.SELF_PAYMENT },
  /** UPI Z8: above the per-transaction limit of the merchant's category, or the profile's cap on a request between people. */
  'amount-out-of-range': { status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT },
  'merchant-unavailable': { status: 409, code: PROBLEM_CODES.MERCHANT_UNAVAILABLE },
  'dependency-unavailable': { status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE },
});

export const COLLECT_PROBLEMS = COLLECT_PROBLEM_TABLE.rows;

export type CollectFailureReason = keyof typeof COLLECT_PROBLEMS;

export function collectFailure(reason: CollectFailureReason, detail: string): CollectFailure {
  return COLLECT_PROBLEM_TABLE.failure(reason, detail);
}

/** The problem codes of some reasons, for `@ApiProblems`. */
export function collectProblemCodes(...reasons: CollectFailureReason[]): ProblemCode[] {
  return COLLECT_PROBLEM_TABLE.codes(...reasons);
}

/** The refusal of a request past its expiry. */
export function expiredFailure(expiresAt: Date): CollectFailure {
  return collectFailure('expired', `The collect request expired at ${expiresAt.toISOString()} (U69).`);
}
