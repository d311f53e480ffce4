import type { ServerResponse } from 'node:http';
import { PROBLEM_CODES, ProblemCode } from '@kirim/contracts';

/** An RFC 9457 problem with kirim's stable `code`. */
export interface Problem {
  readonly status: number;
  readonly code: ProblemCode | 'method-not-allowed' | 'unsupported-media-type' | 'payload-too-large';
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly string[];
  /** The UPI result code of a refused PIN (ZM, Z6, U14, ...). */
  readonly resultCode?: string;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
  }
}

export const problems = {
  validation: (errors: readonly string[]): Problem => ({ status: 400, code: PROBLEM_CODES.VALIDATION_FAILED, title: 'The request is not valid.', errors }),
  unauthenticated: (header: string): Problem => ({ status: 401, code: PROBLEM_CODES.UNAUTHENTICATED, title: `The ${header} header is missing or wrong.` }),
  notFound: (): Problem => ({ status: 404, code: PROBLEM_CODES.NOT_FOUND, title: 'Not found.' }),
  methodNotAllowed: (allowed: readonly string[]): Problem => ({ status: 405, code: 'method-not-allowed', title: `Use ${allowed.join(' or ')}.` }),
  unsupportedMediaType: (): Problem => ({ status: 415, code: 'unsupported-media-type', title: 'Send application/json.' }),
  tooLarge: (limit: number): Problem => ({ status: 413, code: 'payload-too-large', title: `The body is larger than ${limit} bytes.` }),
  upiPinRejected: (resultCode: string, reason: string): Problem => ({ status: 422, code: PROBLEM_CODES.UPI_PIN_REJECTED, title: 'The bank did not accept the PIN.', detail: `${reason}.`, resultCode }),
  internal: (): Problem => ({ status: 500, code: PROBLEM_CODES.INTERNAL, title: 'Something went wrong on our side.' }),
};

export function sendProblem(response: ServerResponse, problem: Problem): void {
  const body = JSON.stringify({ type: 'about:blank', ...problem });
  response.writeHead(problem.status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  response.end(body);
}

export function sendNoContent(response: ServerResponse): void {
  response.writeHead(204, { 'cache-control': 'no-store' });
  response.end();
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  response.end(body);
}
