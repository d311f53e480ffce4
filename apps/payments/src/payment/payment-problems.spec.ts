import { PROBLEM_CODES } from '@kirim/contracts';
import { LIMIT_PROBLEMS, LimitKind } from '../limits/payment-limits-policy';
import { ADMISSION_PROBLEMS, INITIATE_PAYMENT_PROBLEMS, LIMIT_REFUSAL_REASONS, PAYMENT_PROBLEMS } from './payment-problems';

describe('the payment problem table', () => {
  it.each(Object.keys(LIMIT_PROBLEMS) as LimitKind[])('answers the %s limit with the limits policy problem', (limit) => {
    expect(INITIATE_PAYMENT_PROBLEMS.rows[LIMIT_REFUSAL_REASONS[limit]]).toEqual({ status: 422, ...LIMIT_PROBLEMS[limit] });
  });

  it('documents on POST /v1/payments exactly the problems it answers', () => {
    // What the operation listed by hand before the table, and identity's payee-is-merchant; the controller adds the body and bearer problems.
    expect(INITIATE_PAYMENT_PROBLEMS.allCodes()).toEqual([
      PROBLEM_CODES.IDEMPOTENCY_KEY_MISSING,
      PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED,
      PROBLEM_CODES.PAYEE_NOT_FOUND,
      PROBLEM_CODES.PAYER_ACCOUNT_MISSING,
      PROBLEM_CODES.SELF_PAYMENT,
      PROBLEM_CODES.PAYEE_IS_MERCHANT,
      PROBLEM_CODES.AMOUNT_OUT_OF_RANGE,
      PROBLEM_CODES.DAILY_AMOUNT_LIMIT,
      PROBLEM_CODES.DAILY_COUNT_LIMIT,
      PROBLEM_CODES.NEW_DEVICE_LIMIT,
      PROBLEM_CODES.RATE_LIMITED,
      PROBLEM_CODES.VALIDATION_FAILED,
      PROBLEM_CODES.DEPENDENCY_UNAVAILABLE,
    ]);
    expect(INITIATE_PAYMENT_PROBLEMS.rows).not.toHaveProperty('not-found');
  });

  it('describes the operation with each status, code and UPI result code', () => {
    expect(INITIATE_PAYMENT_PROBLEMS.summary()).toBe(
      '400 idempotency-key-missing, 400 validation-failed, 404 payee-not-found (ZH), 422 idempotency-key-reused, 422 payee-not-found (XI), ' +
        '422 payer-account-missing (XH), 422 self-payment, 422 payee-is-merchant, 422 amount-out-of-range (Z8), 422 daily-amount-limit (Z8), 422 daily-count-limit (Z7), ' +
        '422 new-device-limit (FL/FP), 429 rate-limited, 503 dependency-unavailable',
    );
  });

  it('answers a payment started while the saga lags with 503 payments-overloaded and Retry-After, a problem the use case never answers', () => {
    expect(ADMISSION_PROBLEMS.failure('payments-overloaded', 'Payments are behind.', { retryAfterSeconds: 4 })).toEqual({
      ok: false,
      status: 503,
      code: PROBLEM_CODES.PAYMENTS_OVERLOADED,
      detail: 'Payments are behind.',
      retryAfterSeconds: 4,
    });
    expect(ADMISSION_PROBLEMS.summary()).toBe('503 payments-overloaded');
    expect(INITIATE_PAYMENT_PROBLEMS.rows).not.toHaveProperty('payments-overloaded');
  });

  it('answers a payment nobody may see with not-found', () => {
    expect(PAYMENT_PROBLEMS.failure('not-found', 'No such payment.')).toEqual({ ok: false, status: 404, code: 'not-found', detail: 'No such payment.' });
  });
});
