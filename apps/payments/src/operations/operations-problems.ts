import { HttpStatus } from '@nestjs/common';
import { PROBLEM_CODES, ProblemCode } from '@kirim/contracts';
import { defineProblemTable, ProblemException } from '@kirim/platform';

/**
 * The operator API's outcomes that are problems, each with its status and code (one table, so the
 * OpenAPI lists and the answers agree). A replay whose handler fails again is 422 replay-failed:
 * the request was understood and the dead letter exists, but applying it failed; the handler's
 * reason is the detail.
 */
const OPERATION_PROBLEM_TABLE = defineProblemTable({
  notFound: { status: HttpStatus.NOT_FOUND, code: PROBLEM_CODES.NOT_FOUND },
  conflict: { status: HttpStatus.CONFLICT, code: PROBLEM_CODES.CONFLICT },
  replayFailed: { status: HttpStatus.UNPROCESSABLE_ENTITY, code: PROBLEM_CODES.REPLAY_FAILED },
  invalid: { status: HttpStatus.BAD_REQUEST, code: PROBLEM_CODES.VALIDATION_FAILED },
});

export const OPERATION_PROBLEMS = OPERATION_PROBLEM_TABLE.rows;

export type OperationProblemKind = keyof typeof OPERATION_PROBLEMS;

export function operationProblem(kind: OperationProblemKind, detail: string): ProblemException {
  return OPERATION_PROBLEM_TABLE.exception(kind, detail);
}

/** The problem codes of some kinds, for `@ApiProblems`. */
export function operationProblemCodes(...kinds: OperationProblemKind[]): ProblemCode[] {
  return OPERATION_PROBLEM_TABLE.codes(...kinds);
}
