import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { buildProblem, PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemException, problemCodeForStatus } from './problem-details';

/** The bits of an Express request/response the filter needs (keeps @types/express out). */
interface HttpRequestLike {
  originalUrl?: string;
  url?: string;
}
interface HttpResponseLike {
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
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = problemCodeForStatus(status);
    if (status >= 500) return buildProblem(status, code, 'The service could not complete the request.');
    const errors = messagesOf(exception.getResponse());
    return buildProblem(status, code, errors.length === 1 ? errors[0] : exception.message, errors.length > 1 ? { errors } : {});
  }
  return buildProblem(HttpStatus.INTERNAL_SERVER_ERROR, PROBLEM_CODES.INTERNAL, 'An unexpected error occurred.');
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

    if (problem.status >= 500) {
      this.logger.error({ err: exception, instance: problem.instance }, 'request failed');
    }
    if (response.headersSent) return;
    response.status(problem.status);
    response.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    response.send(JSON.stringify(problem));
  }
}
