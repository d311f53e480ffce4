import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { buildProblem, PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemException, problemCodeForStatus } from './problem-details';

/** The bits of an Express request/response the filter needs (keeps @types/express out). */
interface HttpRequestLike {
  originalUrl?: string;
  url?: string;
}
export interface HttpResponseLike {
  headersSent?: boolean;
  status(code: number): this;
  setHeader(name: string, value: string): unknown;
  send(body: string): unknown;
}

/**
 * Maps whatever a request handler threw to a problem; pure so it can be unit-tested.
 * 5xx never carry the original message: it may name tables, hosts or secrets.
 */
export function toProblem(exception: unknown, instance?: string): ProblemDetails {
  const problem = toProblemWithoutInstance(exception);
  return instance === undefined ? problem : { ...problem, instance };
}

function toProblemWithoutInstance(exception: unknown): ProblemDetails {
  if (exception instanceof ProblemException) return { ...exception.problem };
  if (isBodyParseError(exception)) {
    return buildProblem(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'The request body is not valid JSON.');
  }
  const clientError = requestReadingErrorOf(exception);
  if (clientError !== null) return clientError;
  if (isDatabaseBusy(exception)) {
    return buildProblem(HttpStatus.SERVICE_UNAVAILABLE, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'The service is too busy to take this request; try again shortly.');
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = problemCodeForStatus(status);
    if (status >= 500) return buildProblem(status, code, 'The service could not complete the request.');
    const errors = messagesOf(exception.getResponse());
    return buildProblem(status, code, errors.length === 1 ? errors[0] : exception.message, errors.length > 1 ? { errors } : {});
  }
  return buildProblem(HttpStatus.INTERNAL_SERVER_ERROR, PROBLEM_CODES.INTERNAL, 'An unexpected error occurred.');
}

/** pg-pool's error when no pooled connection frees up within connectionTimeoutMillis (it has no code). */
const POOL_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';
/** Retry-After on a 503 for a busy database: connections free up within a second or two. */
export const DATABASE_BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * Every database connection of the process is taken (load past what the pool serves): the request
 * did nothing, and the same request shortly after will do, so 503 with Retry-After, not a 500.
 */
export function isDatabaseBusy(exception: unknown): boolean {
  return exception instanceof Error && exception.message === POOL_TIMEOUT_MESSAGE;
}

const JSON_PARSE_MESSAGE = /JSON|^Unexpected (token|end|non-whitespace)/;

/**
 * body-parser's error for a malformed body (`type: 'entity.parse.failed'`), or Nest's wrapping
 * of it (`new BadRequestException(err.message)`, routes-resolver.js). Its message quotes the body,
 * which may hold a PIN, so it is replaced by a fixed detail.
 */
function isBodyParseError(exception: unknown): boolean {
  if (typeof exception !== 'object' || exception === null) return false;
  const { type, status } = exception as { type?: unknown; status?: unknown };
  if (type === 'entity.parse.failed' || (exception instanceof SyntaxError && status === 400)) return true;
  return (
    exception instanceof BadRequestException &&
    !(exception instanceof ProblemException) &&
    JSON_PARSE_MESSAGE.test(exception.message)
  );
}

/** What body-parser and raw-body throw (http-errors): a numeric status and a `type` naming the failure. */
interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  limit?: unknown;
}

/**
 * body-parser's 4xx errors (http-errors objects, not Nest exceptions) reach the filter as they are;
 * without this they would be answered 500. Each detail is fixed text: their messages may quote the
 * client's headers or body.
 */
function requestReadingErrorOf(exception: unknown): ProblemDetails | null {
  if (typeof exception !== 'object' || exception === null || exception instanceof HttpException) return null;
  const { status, statusCode, type, limit } = exception as HttpErrorLike;
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 499) return null;
  switch (type) {
    case 'entity.too.large':
      return buildProblem(
        HttpStatus.PAYLOAD_TOO_LARGE,
        PROBLEM_CODES.PAYLOAD_TOO_LARGE,
        typeof limit === 'number' ? `The request body is larger than ${limit} bytes.` : 'The request body is too large.',
      );
    case 'charset.unsupported':
      return buildProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, PROBLEM_CODES.UNSUPPORTED_MEDIA_TYPE, 'The request body must be UTF-8 JSON.');
    case 'encoding.unsupported':
      return buildProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, PROBLEM_CODES.UNSUPPORTED_MEDIA_TYPE, 'The Content-Encoding of the request body is not supported.');
    case 'parameters.too.many':
      return buildProblem(HttpStatus.PAYLOAD_TOO_LARGE, PROBLEM_CODES.PAYLOAD_TOO_LARGE, 'The request body has too many parameters.');
    default:
      // request.aborted, request.size.invalid and any other 4xx the body reader raises.
      return buildProblem(code, problemCodeForStatus(code), 'The request body could not be read.');
  }
}

/** Nest's built-in exceptions put the human text in `message` (a string or, from ValidationPipe, a list). */
function messagesOf(response: string | object): string[] {
  if (typeof response === 'string') return [response];
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return [message];
  if (Array.isArray(message)) return message.filter((m): m is string => typeof m === 'string');
  return [];
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const response = http.getResponse<HttpResponseLike>();
    const problem = toProblem(exception, (request.originalUrl ?? request.url ?? '').split('?')[0]);

    const retryAfterSeconds = exception instanceof ProblemException ? exception.retryAfterSeconds : isDatabaseBusy(exception) ? DATABASE_BUSY_RETRY_AFTER_SECONDS : undefined;
    if (problem.status >= 500 && exception instanceof ProblemException && retryAfterSeconds !== undefined) {
      // A deliberate "not now" (shedding load, a dependency down): its code says all, and under
      // overload, where these come by the hundred, formatting a stack for each costs the CPU that
      // shedding is meant to save.
      this.logger.warn({ code: problem.code, instance: problem.instance, retryAfterSeconds }, 'request refused for now');
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception, instance: problem.instance }, 'request failed');
    }
    writeProblem(response, problem, retryAfterSeconds);
  }
}

/**
 * Renders `problem` as the response (RFC 9457 media type), with Retry-After when given; used by the
 * filter and the middleware that answer before routing.
 */
export function writeProblem(response: HttpResponseLike, problem: ProblemDetails, retryAfterSeconds?: number): void {
  if (response.headersSent) return;
  if (retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(retryAfterSeconds));
  response.status(problem.status);
  response.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  response.send(JSON.stringify(problem));
}
