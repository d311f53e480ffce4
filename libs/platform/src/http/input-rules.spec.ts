import { ProblemException } from './problem-details';
import { findForbiddenInput, MAX_INPUT_DEPTH, RefuseControlCharactersPipe, refuseRepeatedQueryParameters, repeatedQueryParameters } from './input-rules';

function refusal(run: () => unknown): ProblemException {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof ProblemException) return error;
    throw error;
  }
  throw new Error('expected a ProblemException');
}

describe('control characters in input', () => {
  const pipe = new RefuseControlCharactersPipe();

  it.each([
    ['NUL', '\u0000'],
    ['a newline', '\n'],
    ['a tab', '\t'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['a C1 control (NEL)', '\u0085'],
    ['the last C1 control', '\u009f'],
  ])('refuses %s in a nested body string with 400 validation-failed naming the field', (_name, character) => {
    const body = { payee: { phone: `+9198765${character}43210` }, amount: { value: '1.00', currency: 'INR' } };
    const error = refusal(() => pipe.transform(body, { type: 'body' }));
    expect(error.problem).toMatchObject({ status: 400, code: 'validation-failed', errors: ['payee.phone: must not contain control characters'] });
    // Never echo the value: it may be a PIN ciphertext or a token.
    expect(JSON.stringify(error.problem)).not.toContain('98765');
  });

  it('names array items and hostile keys, escaped', () => {
    expect(findForbiddenInput({ notes: ['ok', 'b\u0000ad'] })).toEqual({ kind: 'control-character', field: 'notes[1]' });
    expect(findForbiddenInput({ 'k\u0000ey': 'fine' })).toEqual({ kind: 'control-character', field: '"k\\u0000ey"' });
  });

  it('lets printable text through unchanged, including non-Latin scripts and emoji', () => {
    const body = { note: 'किराया ₹500 — thanks 🙏', nested: [{ a: 'é' }], count: 3, flag: true, nothing: null };
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
    expect(findForbiddenInput('\u00a0non-breaking space is not a control')).toBeNull();
  });

  it('checks query and path parameters, naming a bare parameter after its decorator', () => {
    expect(refusal(() => pipe.transform({ mobile: '98\u0000' }, { type: 'query' })).problem.errors).toEqual(['mobile: must not contain control characters']);
    expect(refusal(() => pipe.transform('abc\u0007', { type: 'param', data: 'paymentId' })).problem.errors).toEqual(['paymentId: must not contain control characters']);
  });

  it('leaves custom parameters (headers, the current user) to their own checks', () => {
    expect(pipe.transform('x\u0000', { type: 'custom' })).toBe('x\u0000');
  });

  it('refuses a body nested deeper than any DTO, without recursing (no stack overflow)', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findForbiddenInput({ payee: deep })).toEqual({ kind: 'too-deep', field: expect.stringMatching(/^payee(\[0\])+$/) });
    const error = refusal(() => pipe.transform({ payee: deep }, { type: 'body' }));
    expect(error.problem.errors?.[0]).toMatch(new RegExp(`nested deeper than ${MAX_INPUT_DEPTH} levels$`));
  });
});

describe('repeated query parameters', () => {
  function response() {
    return {
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
  }

  it('finds parameters Express parsed into arrays', () => {
    expect(repeatedQueryParameters({ payeePhone: ['+919876543210', '+919876543211'], limit: '5' })).toEqual(['payeePhone']);
    expect(repeatedQueryParameters({ limit: '5' })).toEqual([]);
    expect(repeatedQueryParameters(undefined)).toEqual([]);
  });

  it('answers a repeated parameter with 400 problem+json naming it, and does not call the route', () => {
    const res = response();
    const next = jest.fn();
    refuseRepeatedQueryParameters({ query: { payeePhone: ['a', 'b'] }, originalUrl: '/v1/payment-parties?payeePhone=a&payeePhone=b' }, res, next);
    expect(next).not.toHaveBeenCalled();
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({
      code: 'validation-failed',
      status: 400,
      errors: ['payeePhone: must be given at most once'],
      instance: '/v1/payment-parties',
    });
  });

  it('passes a request whose parameters are each given once', () => {
    const next = jest.fn();
    refuseRepeatedQueryParameters({ query: { limit: '5' } }, response(), next);
    expect(next).toHaveBeenCalledTimes(1);
  });
});
