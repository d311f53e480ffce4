import { PROBLEM_CODES, ProblemCode } from '@kirim/contracts';
import { defineProblemTable, ProblemFailure } from '@kirim/platform';

/** An expected refusal of a merchant webhook use case, as a value (the controller answers it as problem+json). */
export type MerchantWebhookFailure = ProblemFailure;

/**
 * The merchant webhook endpoints' refusals, each with its problem: one table, so the code and the docs
 * cannot drift. Another user's merchant or endpoint is answered exactly as one that does not exist.
 */
const MERCHANT_WEBHOOK_PROBLEM_TABLE = defineProblemTable({
  /** No such merchant, or the caller does not own it. */
  'merchant-not-found': { status: 404, code: PROBLEM_CODES.NOT_FOUND },
  /** No such endpoint, or its merchant is not the caller's. */
  'endpoint-not-found': { status: 404, code: PROBLEM_CODES.NOT_FOUND },
  'url-invalid': { status: 422, code: PROBLEM_CODES.WEBHOOK_URL_INVALID },
  'endpoint-limit': { status: 409, code: PROBLEM_CODES.WEBHOOK_ENDPOINT_LIMIT },
  'endpoint-disabled': { status: 409, code: PROBLEM_CODES.WEBHOOK_ENDPOINT_DISABLED },
});

export const MERCHANT_WEBHOOK_PROBLEMS = MERCHANT_WEBHOOK_PROBLEM_TABLE.rows;

export type MerchantWebhookFailureReason = keyof typeof MERCHANT_WEBHOOK_PROBLEMS;

export function merchantWebhookFailure(reason: MerchantWebhookFailureReason, detail: string): MerchantWebhookFailure {
  return MERCHANT_WEBHOOK_PROBLEM_TABLE.failure(reason, detail);
}

/** The problem codes of some reasons, for `@ApiProblems`. */
export function merchantWebhookProblemCodes(...reasons: MerchantWebhookFailureReason[]): ProblemCode[] {
  return MERCHANT_WEBHOOK_PROBLEM_TABLE.codes(...reasons);
}
