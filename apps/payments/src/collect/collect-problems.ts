import { PROBLEM_CODES, ProblemCode, RESULT_CODES, ResultCode } from '@kirim/contracts';
import type { MerchantFailure } from '../merchant/merchant-problems';

/**
 * A collect use case's expected refusal: the merchant feature's failure value, so that the order
 * payment a collect request is approved through and the collect rules refuse alike (one problem
 * renderer, `problemOf`).
 */
export type CollectFailure = MerchantFailure;

/** The collect feature's own refusals, each with its problem: one table, so the code and the docs cannot drift. */
export const COLLECT_PROBLEMS = {
  'not-found': { status: 404, code: PROBLEM_CODES.NOT_FOUND },
  'invalid-request': { status: 400, code: PROBLEM_CODES.VALIDATION_FAILED },
  'reference-reused': { status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED },
  /** UPI U69: "collect request expired". */
  expired: { status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: RESULT_CODES.COLLECT_EXPIRED },
  'not-pending': { status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING },
  'p2p-disabled': { status: 403, code: PROBLEM_CODES.P2P_COLLECT_DISABLED },
  /** UPI Z8: above the per-transaction limit of the merchant's category. */
  'amount-out-of-range': { status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT },
  'merchant-unavailable': { status: 409, code: PROBLEM_CODES.MERCHANT_UNAVAILABLE },
  'dependency-unavailable': { status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE },
} as const satisfies Record<string, { readonly status: number; readonly code: ProblemCode; readonly resultCode?: ResultCode }>;

export type CollectFailureReason = keyof typeof COLLECT_PROBLEMS;

export function collectFailure(reason: CollectFailureReason, detail: string): CollectFailure {
  const problem: { readonly status: number; readonly code: ProblemCode; readonly resultCode?: ResultCode } = COLLECT_PROBLEMS[reason];
  return { ok: false, status: problem.status, code: problem.code, detail, ...(problem.resultCode ? { resultCode: problem.resultCode } : {}) };
}

/** The problem codes of some reasons, for `@ApiProblems`. */
export function collectProblemCodes(...reasons: CollectFailureReason[]): ProblemCode[] {
  return reasons.map((reason) => COLLECT_PROBLEMS[reason].code);
}

/** The refusal of a request past its expiry. */
export function expiredFailure(expiresAt: Date): CollectFailure {
  return collectFailure('expired', `The collect request expired at ${expiresAt.toISOString()} (U69).`);
}
