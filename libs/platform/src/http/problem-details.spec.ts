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
      title: 'Bad Request',
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
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'Amount exceeds the per-transaction limit.',
      code: 'amount-out-of-range',
      resultCode: 'Z8',
      instance: '/v1/payments',
    });
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

  it('answers an unknown error with a bare 500 and leaks nothing', () => {
    const filter = new ProblemDetailsFilter();
    jest.spyOn((filter as unknown as { logger: { error: () => void } }).logger, 'error').mockImplementation(() => undefined);
    const { host, response } = fakeHttpHost('/v1/payments');
    filter.catch(new Error('relation "payments" does not exist at db-primary.internal:5432'), host);
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      type: 'https://kirim.dev/problems/internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      code: 'internal-error',
      instance: '/v1/payments',
    });
    expect(response.body).not.toMatch(/relation|db-primary|stack/);
  });
});
