import { ProblemCode, problemEntry, ResultCode } from '@kirim/contracts';
import { buildProblem, ProblemException, ProblemExtras } from './problem-details';
import { HttpResponseLike, writeProblem } from './problem-details.filter';

/** One row of a feature's problem table: the problem one kind of refusal is answered with. */
export interface ProblemRow {
  readonly status: number;
  readonly code: ProblemCode;
  /** The UPI result code the problem carries, where one exists for the condition. */
  readonly resultCode?: ResultCode;
}

/**
 * An expected refusal of a use case, as a value (docs/service-conventions.md: expected failures are
 * returned, not thrown); the controller answers it as problem+json with `toProblemException`.
 */
export interface ProblemFailure {
  readonly ok: false;
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly resultCode?: ResultCode;
  /** For a 429 or 503: whole seconds until a retry can succeed, sent as Retry-After. */
  readonly retryAfterSeconds?: number;
  /** For validation-failed: each invalid field as `field: message`. */
  readonly errors?: readonly string[];
}

/** What a failure adds to its row: only what differs from one occurrence to the next. */
export interface ProblemFailureExtras {
  readonly retryAfterSeconds?: number;
  readonly errors?: readonly string[];
}

/** A problem another service answered, to be passed on if this feature's table has its row. */
export interface ForeignProblem {
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly resultCode?: ResultCode;
  readonly retryAfterSeconds?: number;
}

export type ProblemRows = Readonly<Record<string, ProblemRow>>;

/**
 * A feature's refusals, each with its problem (../shared/STYLE.md: a table from error code to problem
 * type per feature, the OpenAPI problem lists generated from it). Failures and documentation read
 * the same rows, so what an operation answers and what its document lists cannot drift apart.
 */
export interface ProblemTable<T extends ProblemRows> {
  /** The rows as defined, typed literally. */
  readonly rows: T;
  /** The refusal `reason`: status, code and result code from its row, the rest from the caller. */
  failure(reason: keyof T & string, detail: string, extras?: ProblemFailureExtras): ProblemFailure;
  /** `failure(...)` as the exception a controller throws. */
  exception(reason: keyof T & string, detail: string, extras?: ProblemFailureExtras): ProblemException;
  /** The problem codes of these reasons, each once, for `@ApiProblems`. */
  codes(...reasons: (keyof T & string)[]): ProblemCode[];
  /** Every problem code in the table, each once, for `@ApiProblems` of an operation that may answer them all. */
  allCodes(): ProblemCode[];
  /** The rows in words for an operation's description: `400 validation-failed, 422 new-device-limit (FL/FP), ...`. */
  summary(): string;
  /**
   * Another service's problem as this table's failure, keeping that service's detail and
   * Retry-After, when a row has the same status, code and result code; null when none has (the
   * caller decides what an answer it does not document means).
   */
  passOn(problem: ForeignProblem): ProblemFailure | null;
  /** The same rows for some reasons only (in the table's order): what one operation can answer. */
  pick<R extends keyof T & string>(...reasons: R[]): ProblemTable<Pick<T, R>>;
}

/** The reasons of a table, e.g. `ProblemReason<typeof PAYMENT_PROBLEMS>`. */
export type ProblemReason<Table extends { readonly rows: ProblemRows }> = keyof Table['rows'] & string;

/**
 * Defines a feature's problem table. Each row's status must be one the problem catalogue
 * (libs/contracts problem-catalogue.ts) gives its code, or this throws when the module loads: the
 * documents list each code under the catalogue's statuses, so a row outside them would answer
 * something its operation does not document.
 */
export function defineProblemTable<const T extends ProblemRows>(rows: T): ProblemTable<T> {
  const reasons = Object.keys(rows) as (keyof T & string)[];
  for (const reason of reasons) {
    const { status, code } = rows[reason];
    if (!problemEntry(code).statuses.includes(status)) {
      throw new Error(`problem table: '${reason}' answers ${code} with ${status}, a status the problem catalogue does not give ${code}`);
    }
  }
  const rowOf = (reason: keyof T & string): ProblemRow => {
    if (!Object.prototype.hasOwnProperty.call(rows, reason)) throw new Error(`problem table: no row '${reason}'`);
    return rows[reason];
  };
  const failure = (reason: keyof T & string, detail: string, extras: ProblemFailureExtras = {}): ProblemFailure => {
    const { status, code, resultCode } = rowOf(reason);
    return {
      ok: false,
      status,
      code,
      detail,
      ...(resultCode !== undefined ? { resultCode } : {}),
      ...(extras.retryAfterSeconds !== undefined ? { retryAfterSeconds: extras.retryAfterSeconds } : {}),
      ...(extras.errors !== undefined ? { errors: [...extras.errors] } : {}),
    };
  };
  const codes = (...chosen: (keyof T & string)[]): ProblemCode[] => [...new Set(chosen.map((reason) => rowOf(reason).code))];
  return {
    rows,
    failure,
    exception: (reason, detail, extras) => toProblemException(failure(reason, detail, extras)),
    codes,
    allCodes: () => codes(...reasons),
    summary: () => summarize(reasons.map((reason) => rows[reason])),
    passOn: (problem) => {
      const reason = reasons.find((candidate) => {
        const row = rows[candidate];
        return row.status === problem.status && row.code === problem.code && row.resultCode === problem.resultCode;
      });
      if (reason === undefined) return null;
      return failure(reason, problem.detail, problem.retryAfterSeconds !== undefined ? { retryAfterSeconds: problem.retryAfterSeconds } : {});
    },
    pick: <R extends keyof T & string>(...picked: R[]) =>
      defineProblemTable(Object.fromEntries(reasons.filter((reason) => (picked as string[]).includes(reason)).map((reason) => [reason, rows[reason]])) as Pick<T, R>),
  };
}

/** A failure as the problem+json exception a controller throws (Retry-After included for a 429 or 503). */
export function toProblemException(failure: ProblemFailure): ProblemException {
  return new ProblemException(failure.status, failure.code, failure.detail, extrasOf(failure));
}

/** What a failure adds to its problem beside status, code and detail. */
function extrasOf(failure: ProblemFailure): ProblemExtras {
  return {
    ...(failure.resultCode !== undefined ? { resultCode: failure.resultCode } : {}),
    ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
    ...(failure.errors !== undefined ? { errors: [...failure.errors] } : {}),
  };
}

/**
 * A failure answered by an Express middleware, before routing: its problem+json with `instance`,
 * and Retry-After when it has one, as the filter would answer the same failure thrown. No exception
 * is made (its stack is CPU that a refusal under load should not cost).
 */
export function writeFailure(response: HttpResponseLike, failure: ProblemFailure, instance: string): void {
  const problem = buildProblem(failure.status, failure.code, failure.detail, extrasOf(failure));
  writeProblem(response, { ...problem, instance }, failure.retryAfterSeconds);
}

/** `status code (resultCodes)` for each status and code, by status; rows sharing both share an entry. */
function summarize(rows: readonly ProblemRow[]): string {
  const entries = new Map<string, { status: number; code: ProblemCode; resultCodes: ResultCode[] }>();
  for (const row of rows) {
    const key = `${row.status} ${row.code}`;
    const entry = entries.get(key) ?? { status: row.status, code: row.code, resultCodes: [] };
    if (row.resultCode !== undefined && !entry.resultCodes.includes(row.resultCode)) entry.resultCodes.push(row.resultCode);
    entries.set(key, entry);
  }
  return [...entries.values()]
    .sort((a, b) => a.status - b.status)
    .map(({ status, code, resultCodes }) => `${status} ${code}${resultCodes.length > 0 ? ` (${resultCodes.join('/')})` : ''}`)
    .join(', ');
}
