import { ArgumentMetadata, HttpStatus, Injectable, PipeTransform } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { buildProblem, ProblemException } from './problem-details';
import { HttpResponseLike, writeProblem } from './problem-details.filter';

/**
 * Input rules every kirim service applies to every request (createServiceApp installs them, so no
 * controller can forget them). Written here rather than taken from a library: each is a few lines
 * over what Express already parsed, and none of the validation libraries walks a whole body for them.
 */

/**
 * C0 controls (NUL included), DEL and C1 controls. No stored text field of ours needs a newline or
 * a tab, and a NUL makes PostgreSQL refuse the row (a 500, not a 400) while other controls
 * corrupt logs, receipts and SMS.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/;

/** Deeper than any of our DTOs nests; a deeper body is refused before anything recurses into it. */
export const MAX_INPUT_DEPTH = 16;

export type InputFinding = { readonly kind: 'control-character' | 'too-deep'; readonly field: string };

/** `payee.phone`, `items[2].name`; a key that is itself hostile is shown JSON-escaped. */
function fieldName(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const shown = /^[A-Za-z0-9_$-]+$/.test(key) ? key : JSON.stringify(key);
  return parent === '' ? shown : `${parent}.${shown}`;
}

/**
 * The first string (value or key) with a control character, or the first value nested deeper than
 * MAX_INPUT_DEPTH. Iterative, so a hostile nesting cannot overflow the stack.
 */
export function findForbiddenInput(value: unknown, root = ''): InputFinding | null {
  const pending: { value: unknown; field: string; depth: number }[] = [{ value, field: root, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined) break;
    const { value: current, field, depth } = next;
    if (typeof current === 'string') {
      if (CONTROL_CHARACTER.test(current)) return { kind: 'control-character', field: field === '' ? '(value)' : field };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return { kind: 'too-deep', field: field === '' ? '(value)' : field };
    if (Array.isArray(current)) {
      current.forEach((item: unknown, index) => pending.push({ value: item, field: fieldName(field, index), depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(current as Record<string, unknown>)) {
      if (CONTROL_CHARACTER.test(key)) return { kind: 'control-character', field: fieldName(field, key) };
      pending.push({ value: item, field: fieldName(field, key), depth: depth + 1 });
    }
  }
  return null;
}

const CHECKED_SOURCES: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

/**
 * Global pipe, before the validation pipe: a control character anywhere in the body, the query or
 * a path parameter is a 400 validation-failed naming the field (never echoing the value: it may be
 * a PIN or a token).
 */
@Injectable()
export class RefuseControlCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!CHECKED_SOURCES.has(metadata.type)) return value;
    // A named @Query('x') / @Param('x') gets the bare value; name it after the parameter.
    const finding = findForbiddenInput(value, metadata.data ?? '');
    if (finding === null) return value;
    const error =
      finding.kind === 'control-character'
        ? `${finding.field}: must not contain control characters`
        : `${finding.field}: nested deeper than ${MAX_INPUT_DEPTH} levels`;
    throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'The request is not valid.', { errors: [error] });
  }
}

/** The bits of an Express request the middleware reads. */
interface QueryRequestLike {
  query?: unknown;
  originalUrl?: string;
  url?: string;
}

/** Query parameters given more than once (Express parses `?a=1&a=2` into an array). */
export function repeatedQueryParameters(query: unknown): string[] {
  if (typeof query !== 'object' || query === null) return [];
  return Object.entries(query as Record<string, unknown>)
    .filter(([, value]) => Array.isArray(value))
    .map(([name]) => name);
}

/**
 * Express middleware: none of our operations takes a list in the query, and a parameter given twice
 * reaches a handler as an array where it expects a string (one such payee lookup answered 503).
 * Answered here, before routing, for every path.
 */
export function refuseRepeatedQueryParameters(request: QueryRequestLike, response: HttpResponseLike, next: () => void): void {
  const repeated = repeatedQueryParameters(request.query);
  if (repeated.length === 0) {
    next();
    return;
  }
  const problem = buildProblem(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'A query parameter is given more than once.', {
    errors: repeated.map((name) => `${fieldName('', name)}: must be given at most once`),
  });
  writeProblem(response, { ...problem, instance: (request.originalUrl ?? request.url ?? '').split('?')[0] });
}
