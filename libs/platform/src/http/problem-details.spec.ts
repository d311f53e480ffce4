import { ArgumentsHost, BadRequestException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { createValidationPipe, ProblemException } from './problem-details';
import { ProblemDetailsFilter, toProblem } from './problem-details.filter';

class PayDto {
  @IsString()
  @Length(1, 255)
  payee!: string;
}

function fakeHttpHost(url: string) {
  const response = {
    statusCode: 0,
    headers: {} as Record<string, string>,
    body: '',
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    setHeader(name: string, value: string) {
      this.headers[name.toLowerCase()] = value;
    },
    send(body: string) {
      this.body = body;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ originalUrl: url }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { host, response };
}

describe('problem details', () => {
  it('turns a validation failure into a 400 validation-failed problem listing each error', async () => {
    const pipe = createValidationPipe();
    const error = await pipe
      .transform({ payee: '', amount: '1.00' }, { type: 'body', metatype: PayDto })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemException);

    const problem = toProblem(error, '/v1/payments');
    expect(problem).toMatchObject({
      type: 'https://kirim.dev/problems/validation-failed',
      title: 'The request is not valid',
      status: 400,
      code: PROBLEM_CODES.VALIDATION_FAILED,
      instance: '/v1/payments',
    });
    expect(problem.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^payee: /), 'amount: property amount should not exist']),
    );
  });

  it('renders a thrown ProblemException as application/problem+json with the UPI code', () => {
    const filter = new ProblemDetailsFilter();
    const { host, response } = fakeHttpHost('/v1/payments?x=1');
    filter.catch(
      new ProblemException(422, PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, 'Amount exceeds the per-transaction limit.', {
        resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT,
      }),
      host,
    );
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toEqual({
      type: 'https://kirim.dev/problems/amount-out-of-range',
      title: 'Amount out of range',
      status: 422,
      detail: 'Amount exceeds the per-transaction limit.',
      code: 'amount-out-of-range',
      resultCode: 'Z8',
      instance: '/v1/payments',
    });
  });

  it("sends a problem's retry time as the Retry-After header, not in the body", () => {
    const { host, response } = fakeHttpHost('/v1/payees');
    new ProblemDetailsFilter().catch(new ProblemException(429, PROBLEM_CODES.RATE_LIMITED, 'Too many payee lookups.', { retryAfterSeconds: 30 }), host);
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('30');
    expect(JSON.parse(response.body)).not.toHaveProperty('retryAfterSeconds');
  });

  it('logs a deliberate 503 with Retry-After as a warning naming its code, and a 5xx nobody meant as an error with the exception', () => {
    const filter = new ProblemDetailsFilter();
    const logger = (filter as unknown as { logger: { warn: () => void; error: () => void } }).logger;
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const refused = fakeHttpHost('/v1/payments');
    filter.catch(new ProblemException(503, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'identity is not answering.', { retryAfterSeconds: 2 }), refused.host);
    expect(refused.response.statusCode).toBe(503);
    expect(refused.response.headers['retry-after']).toBe('2');
    expect(warn).toHaveBeenCalledWith({ code: 'dependency-unavailable', instance: '/v1/payments', retryAfterSeconds: 2 }, 'request refused for now');
    expect(error).not.toHaveBeenCalled();

    const thrown = new Error('relation "payments" does not exist');
    filter.catch(thrown, fakeHttpHost('/v1/payments').host);
    expect(error).toHaveBeenCalledWith({ err: thrown, instance: '/v1/payments' }, 'request failed');
  });

  it('maps Nest HTTP exceptions to codes by status', () => {
    expect(toProblem(new NotFoundException('Cannot GET /v1/nope'))).toMatchObject({ status: 404, code: 'not-found', detail: 'Cannot GET /v1/nope' });
    expect(toProblem(new UnauthorizedException())).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('maps a body-parser JSON syntax error to 400 validation-failed', () => {
    const parseError = Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), { status: 400, type: 'entity.parse.failed', body: '{"pin":1}' });
    const problem = toProblem(parseError);
    expect(problem).toMatchObject({ status: 400, code: 'validation-failed' });
    expect(JSON.stringify(problem)).not.toContain('pin');
    // Nest wraps it as new BadRequestException(err.message); the message quotes the body.
    const wrapped = toProblem(new BadRequestException(`Unexpected token 'x', "{"pin":"1234"x}" is not valid JSON`));
    expect(wrapped).toMatchObject({ status: 400, code: 'validation-failed', detail: 'The request body is not valid JSON.' });
    expect(JSON.stringify(wrapped)).not.toContain('1234');
  });

  it.each([
    ['a body over the limit', { type: 'entity.too.large', status: 413, statusCode: 413, expose: true, limit: 65536, length: 70000 }, 413, 'payload-too-large', 'The request body is larger than 65536 bytes.'],
    ['an unsupported charset', { type: 'charset.unsupported', status: 415, statusCode: 415, expose: true, charset: 'utf-7' }, 415, 'unsupported-media-type', 'The request body must be UTF-8 JSON.'],
    ['an unknown content encoding', { type: 'encoding.unsupported', status: 415, statusCode: 415, expose: true, encoding: 'x-zip' }, 415, 'unsupported-media-type', 'The Content-Encoding of the request body is not supported.'],
    ['a body cut short', { type: 'request.aborted', status: 400, statusCode: 400, expose: true }, 400, 'validation-failed', 'The request body could not be read.'],
    ['a wrong Content-Length', { type: 'request.size.invalid', status: 400, statusCode: 400, expose: true }, 400, 'validation-failed', 'The request body could not be read.'],
  ])('maps body-parser %s to a 4xx problem, not a 500', (_name, fields, status, code, detail) => {
    // body-parser throws http-errors objects: Error instances with status and type, not Nest exceptions.
    const error = Object.assign(new Error('raw message quoting "gzip" and the body'), fields);
    expect(toProblem(error, '/v1/payments')).toEqual({
      type: `https://kirim.dev/problems/${code}`,
      title: expect.any(String),
      status,
      detail,
      code,
      instance: '/v1/payments',
    });
  });

  it('keeps a body reader error with a 5xx status (a bug of ours) a bare 500', () => {
    const error = Object.assign(new Error('stream encoding should not be set'), { type: 'stream.encoding.set', status: 500, statusCode: 500 });
    expect(toProblem(error)).toMatchObject({ status: 500, code: 'internal-error', detail: 'An unexpected error occurred.' });
  });

  it('takes every title from the problem catalogue', () => {
    expect(new ProblemException(404, PROBLEM_CODES.PAYEE_NOT_FOUND, 'x').problem.title).toBe('Payee not found');
    expect(toProblem(new UnauthorizedException()).title).toBe('Authentication required');
  });

  it('answers an unknown error with a bare 500 and leaks nothing', () => {
    const filter = new ProblemDetailsFilter();
    jest.spyOn((filter as unknown as { logger: { error: () => void } }).logger, 'error').mockImplementation(() => undefined);
    const { host, response } = fakeHttpHost('/v1/payments');
    filter.catch(new Error('relation "payments" does not exist at db-primary.internal:5432'), host);
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      type: 'https://kirim.dev/problems/internal-error',
      title: 'Internal error',
      status: 500,
      detail: 'An unexpected error occurred.',
      code: 'internal-error',
      instance: '/v1/payments',
    });
    expect(response.body).not.toMatch(/relation|db-primary|stack/);
  });

  it("answers a request that found every database connection taken with 503 and Retry-After, since the same request shortly after will do", () => {
    const filter = new ProblemDetailsFilter();
    jest.spyOn((filter as unknown as { logger: { error: () => void } }).logger, 'error').mockImplementation(() => undefined);
    const { host, response } = fakeHttpHost('/v1/payments');
    // pg-pool's own error when connectionTimeoutMillis passes with the pool full.
    filter.catch(new Error('timeout exceeded when trying to connect'), host);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(JSON.parse(response.body)).toMatchObject({ status: 503, code: 'dependency-unavailable', instance: '/v1/payments' });
    // Any other error stays a 500 without Retry-After.
    const other = fakeHttpHost('/v1/payments');
    filter.catch(new Error('timeout exceeded'), other.host);
    expect(other.response.statusCode).toBe(500);
    expect(other.response.headers['retry-after']).toBeUndefined();
  });
});
