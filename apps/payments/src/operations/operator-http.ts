import { HttpStatus, ParseUUIDPipe } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';

/** Where payments' operator endpoints live: its own port only, never the public edge (docs/operations.md). */
export const OPERATOR_ROUTES = 'internal/v1/operator';

/** A path parameter that must be a UUID: 400 validation-failed naming it otherwise (after the operator guard). */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, `${name} must be a UUID.`) });
}

/** `limit` of a page: 1 to `max`, `fallback` when absent. The DTOs check the digits; this reads them. */
export function pageLimit(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}

/** 1 to 200, as a query string gives it. */
export const PAGE_LIMIT_PATTERN = /^(?:[1-9]\d?|1\d\d|200)$/;
export const PAGE_LIMIT_MESSAGE = 'limit must be a whole number from 1 to 200';
