import { HttpStatus } from '@nestjs/common';
import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { defineProblemTable, toProblemException } from './problem-table';

const TABLE = defineProblemTable({
  'not-found': { status: HttpStatus.NOT_FOUND, code: PROBLEM_CODES.NOT_FOUND },
  'payee-unknown': { status: 404, code: PROBLEM_CODES.PAYEE_NOT_FOUND, resultCode: RESULT_CODES.INVALID_ADDRESS },
  'payee-account-missing': { status: 422, code: PROBLEM_CODES.PAYEE_NOT_FOUND, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING },
  'new-device-first-payment': { status: 422, code: PROBLEM_CODES.NEW_DEVICE_LIMIT, resultCode: RESULT_CODES.COOLING_PERIOD_FIRST_PAYMENT_LIMIT },
  'new-device-amount': { status: 422, code: PROBLEM_CODES.NEW_DEVICE_LIMIT, resultCode: RESULT_CODES.COOLING_PERIOD_AMOUNT_LIMIT },
  'rate-limited': { status: 429, code: PROBLEM_CODES.RATE_LIMITED },
  invalid: { status: 400, code: PROBLEM_CODES.VALIDATION_FAILED },
});

describe('defineProblemTable', () => {
  it('builds a failure from its row: status, code and result code from the table, the detail from the caller', () => {
    expect(TABLE.failure('payee-unknown', 'No user.')).toEqual({ ok: false, status: 404, code: 'payee-not-found', detail: 'No user.', resultCode: 'ZH' });
    // No resultCode key at all where the row has none: failures are compared and spread as they are.
    expect(TABLE.failure('not-found', 'No such payment.')).toEqual({ ok: false, status: 404, code: 'not-found', detail: 'No such payment.' });
  });

  it('adds only what differs per occurrence: Retry-After seconds and the invalid fields', () => {
    expect(TABLE.failure('rate-limited', 'Slow down.', { retryAfterSeconds: 42 })).toEqual({ ok: false, status: 429, code: 'rate-limited', detail: 'Slow down.', retryAfterSeconds: 42 });
    expect(TABLE.failure('invalid', 'The request is not valid.', { errors: ['limit: too large'] })).toEqual({
      ok: false,
      status: 400,
      code: 'validation-failed',
      detail: 'The request is not valid.',
      errors: ['limit: too large'],
    });
  });

  it('lists the codes of some reasons, or of all, each once, for @ApiProblems', () => {
    expect(TABLE.codes('payee-account-missing', 'payee-unknown', 'rate-limited')).toEqual(['payee-not-found', 'rate-limited']);
    expect(TABLE.codes()).toEqual([]);
    expect(TABLE.allCodes()).toEqual(['not-found', 'payee-not-found', 'new-device-limit', 'rate-limited', 'validation-failed']);
  });

  it('summarises its rows by status, with the result codes each status and code can carry', () => {
    expect(TABLE.summary()).toBe('400 validation-failed, 404 not-found, 404 payee-not-found (ZH), 422 payee-not-found (XI), 422 new-device-limit (FL/FP), 429 rate-limited');
  });

  it('passes on a problem of another service only as a row with the same status, code and result code', () => {
    expect(TABLE.passOn({ status: 422, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'The payee has not linked a bank account.', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING })).toEqual({
      ok: false,
      status: 422,
      code: 'payee-not-found',
      detail: 'The payee has not linked a bank account.',
      resultCode: 'XI',
    });
    expect(TABLE.passOn({ status: 429, code: PROBLEM_CODES.RATE_LIMITED, detail: 'Too many lookups.', retryAfterSeconds: 7 })).toEqual({
      ok: false,
      status: 429,
      code: 'rate-limited',
      detail: 'Too many lookups.',
      retryAfterSeconds: 7,
    });
    // Another status, result code or code than any row: not this table's to answer.
    expect(TABLE.passOn({ status: 422, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'x', resultCode: RESULT_CODES.INVALID_ADDRESS })).toBeNull();
    expect(TABLE.passOn({ status: 404, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'x' })).toBeNull();
    expect(TABLE.passOn({ status: 409, code: PROBLEM_CODES.CONFLICT, detail: 'x' })).toBeNull();
  });

  it('picks the rows of one operation, in the table order, and refuses the others', () => {
    const picked = TABLE.pick('rate-limited', 'payee-unknown');
    expect(Object.keys(picked.rows)).toEqual(['payee-unknown', 'rate-limited']);
    expect(picked.allCodes()).toEqual(['payee-not-found', 'rate-limited']);
    expect(picked.passOn({ status: 404, code: PROBLEM_CODES.NOT_FOUND, detail: 'x' })).toBeNull();
    // @ts-expect-error: not a reason of the picked table
    expect(() => picked.failure('not-found', 'x')).toThrow("no row 'not-found'");
  });

  it('refuses a row whose status the problem catalogue does not give its code', () => {
    expect(() => defineProblemTable({ gone: { status: 410, code: PROBLEM_CODES.NOT_FOUND } })).toThrow("'gone' answers not-found with 410");
    expect(() => defineProblemTable({ 'limit-as-conflict': { status: 409, code: PROBLEM_CODES.DAILY_COUNT_LIMIT } })).toThrow(/daily-count-limit with 409/);
  });
});

describe('toProblemException', () => {
  it('answers the failure as problem+json with the catalogue title, the result code and Retry-After', () => {
    const exception = TABLE.exception('rate-limited', 'Too many lookups.', { retryAfterSeconds: 7 });
    expect(exception.getStatus()).toBe(429);
    expect(exception.problem).toEqual({ type: 'https://kirim.dev/problems/rate-limited', title: 'Too many requests', status: 429, detail: 'Too many lookups.', code: 'rate-limited' });
    expect(exception.retryAfterSeconds).toBe(7);

    const declined = toProblemException(TABLE.failure('new-device-amount', 'Above the cap.'));
    expect(declined.getStatus()).toBe(422);
    expect(declined.problem).toMatchObject({ status: 422, code: 'new-device-limit', detail: 'Above the cap.', resultCode: 'FP' });
    expect(declined.retryAfterSeconds).toBeUndefined();
  });

  it('keeps the invalid fields of a validation failure', () => {
    expect(toProblemException(TABLE.failure('invalid', 'The request is not valid.', { errors: ['a: b'] })).problem).toMatchObject({ code: 'validation-failed', errors: ['a: b'] });
  });

  it('renders a failure built by hand (a value passed on as it came) the same way', () => {
    const exception = toProblemException({ ok: false, status: 404, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'No user.', resultCode: RESULT_CODES.INVALID_ADDRESS });
    expect(exception.problem).toEqual({ type: 'https://kirim.dev/problems/payee-not-found', title: expect.any(String), status: 404, detail: 'No user.', code: 'payee-not-found', resultCode: 'ZH' });
  });
});
