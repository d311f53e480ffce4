import { HttpException, HttpStatus, ValidationPipe } from '@nestjs/common';
import { describeValidationErrors, PROBLEM_CODES, PROBLEM_TYPE_BASE as CATALOGUE_TYPE_BASE, ProblemCode, problemEntry, problemTypeUri, ResultCode } from '@kirim/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = CATALOGUE_TYPE_BASE;

/** RFC 9457 problem details, plus kirim's stable `code` and, where one exists, the UPI result code. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ProblemCode;
  errors?: string[];
  resultCode?: ResultCode;
}

export interface ProblemExtras {
  errors?: string[];
  resultCode?: ResultCode;
  /** Overrides the catalogue's title (libs/contracts problem-catalogue.ts); rarely right, as the title belongs to the type. */
  title?: string;
  /** For a 429 or 503: whole seconds until a retry can succeed, sent as the Retry-After header (not in the body). */
  retryAfterSeconds?: number;
}

export function problemType(code: ProblemCode): string {
  return problemTypeUri(code);
}

export function buildProblem(status: number, code: ProblemCode, detail: string, extras: ProblemExtras = {}): ProblemDetails {
  const problem: ProblemDetails = {
    type: problemType(code),
    title: extras.title ?? problemEntry(code).title,
    status,
    detail,
    code,
  };
  if (extras.errors !== undefined) problem.errors = extras.errors;
  if (extras.resultCode !== undefined) problem.resultCode = extras.resultCode;
  return problem;
}

/** Thrown by services for expected HTTP outcomes; the filter renders it unchanged. */
export class ProblemException extends HttpException {
  readonly problem: ProblemDetails;
  readonly retryAfterSeconds?: number;

  constructor(status: number, code: ProblemCode, detail: string, extras?: ProblemExtras) {
    const problem = buildProblem(status, code, detail, extras);
    super(problem, status);
    this.problem = problem;
    if (extras?.retryAfterSeconds !== undefined) this.retryAfterSeconds = extras.retryAfterSeconds;
  }
}

/** The closest stable code for a status Nest or a guard produced without one. */
export function problemCodeForStatus(status: number): ProblemCode {
  switch (status) {
    case HttpStatus.UNAUTHORIZED:
      return PROBLEM_CODES.UNAUTHENTICATED;
    case HttpStatus.FORBIDDEN:
      return PROBLEM_CODES.FORBIDDEN;
    case HttpStatus.NOT_FOUND:
    case HttpStatus.METHOD_NOT_ALLOWED:
      return PROBLEM_CODES.NOT_FOUND;
    case HttpStatus.CONFLICT:
      return PROBLEM_CODES.CONFLICT;
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return PROBLEM_CODES.PAYLOAD_TOO_LARGE;
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
      return PROBLEM_CODES.UNSUPPORTED_MEDIA_TYPE;
    case HttpStatus.TOO_MANY_REQUESTS:
      return PROBLEM_CODES.RATE_LIMITED;
    case HttpStatus.BAD_GATEWAY:
    case HttpStatus.SERVICE_UNAVAILABLE:
    case HttpStatus.GATEWAY_TIMEOUT:
      return PROBLEM_CODES.DEPENDENCY_UNAVAILABLE;
    default:
      // Remaining 4xx (400, 411, 414, 422, ...) mean the request as sent cannot be processed.
      return status >= 500 ? PROBLEM_CODES.INTERNAL : PROBLEM_CODES.VALIDATION_FAILED;
  }
}

/**
 * Global pipe: unknown body fields are refused (not silently dropped) so a client typo in a
 * money request surfaces; the 400 lists every `property: message`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'The request is not valid.', {
        errors: describeValidationErrors(errors),
      }),
  });
}
