/**
 * UPI-style result codes (NPCI's response codes) that kirim uses end to end. A business decline
 * carries one of these; technical failures carry the U-series codes.
 */
export const RESULT_CODES = {
  SUCCESS: '00',
  PENDING: '01',
  INSUFFICIENT_FUNDS: 'Z9',
  WRONG_PIN: 'ZM',
  PIN_TRIES_EXCEEDED: 'Z6',
  PER_TRANSACTION_LIMIT: 'Z8',
  FREQUENCY_LIMIT: 'Z7',
  DEBIT_FAILED: 'U30',
  CREDIT_FAILED: 'U31',
  DEBIT_TIMEOUT: 'U67',
  CREDIT_TIMEOUT: 'U68',
  INVALID_ADDRESS: 'ZH',
  REMITTER_ACCOUNT_MISSING: 'XH',
  BENEFICIARY_ACCOUNT_MISSING: 'XI',
  REMITTER_BANK_OFFLINE: 'XY',
  BENEFICIARY_BANK_OFFLINE: 'Y1',
} as const;

export type ResultCode = (typeof RESULT_CODES)[keyof typeof RESULT_CODES];
export const ALL_RESULT_CODES: readonly ResultCode[] = Object.values(RESULT_CODES);

/**
 * Stable codes of HTTP problem responses (RFC 9457 `code` member). Where a UPI code exists for the
 * same condition the problem carries that too.
 */
export const PROBLEM_CODES = {
  VALIDATION_FAILED: 'validation-failed',
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not-found',
  CONFLICT: 'conflict',
  IDEMPOTENCY_KEY_MISSING: 'idempotency-key-missing',
  IDEMPOTENCY_KEY_REUSED: 'idempotency-key-reused',
  IDEMPOTENCY_KEY_IN_FLIGHT: 'idempotency-key-in-flight',
  PAYEE_NOT_FOUND: 'payee-not-found',
  PAYER_ACCOUNT_MISSING: 'payer-account-missing',
  SELF_PAYMENT: 'self-payment',
  AMOUNT_OUT_OF_RANGE: 'amount-out-of-range',
  ACCOUNT_NOT_FOUND: 'account-not-found',
  ALREADY_REGISTERED: 'already-registered',
  DEPENDENCY_UNAVAILABLE: 'dependency-unavailable',
  INTERNAL: 'internal-error',
} as const;

export type ProblemCode = (typeof PROBLEM_CODES)[keyof typeof PROBLEM_CODES];
