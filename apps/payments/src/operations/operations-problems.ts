import { HttpStatus } from '@nestjs/common';
import { PROBLEM_CODES, ProblemCode } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';

/**
 * The operator API's outcomes that are problems, each with its status and code (one table, so the
 * OpenAPI lists and the answers agree). A replay whose handler fails again is 422: the request was
 * understood and the dead letter exists, but applying it failed; the catalogue has no code of its own
 * for that yet, so it is answered with `validation-failed` and the handler's reason as the detail.
 */
export const OPERATION_PROBLEMS = {
  notFound: { status: HttpStatus.NOT_FOUND, code: PROBLEM_CODES.NOT_FOUND },
  conflict: { status: HttpStatus.CONFLICT, code: PROBLEM_CODES.CONFLICT },
  replayFailed: { status: HttpStatus.UNPROCESSABLE_ENTITY, code: PROBLEM_CODES.REPLAY_FAILED },
  invalid: { status: HttpStatus.BAD_REQUEST, code: PROBLEM_CODES.VALIDATION_FAILED },
} as const satisfies Record<string, { readonly status: number; readonly code: ProblemCode }>;

export function operationProblem(kind: keyof typeof OPERATION_PROBLEMS, detail: string): ProblemException {
  const { status, code } = OPERATION_PROBLEMS[kind];
  return new ProblemException(status, code, detail);
}
