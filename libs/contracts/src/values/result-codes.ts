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
  /** NPCI's cooling period for a new user or device: the first payment alone is above the cap (₹5,000 on UPI). */
  COOLING_PERIOD_FIRST_PAYMENT_LIMIT: 'FL',
  /** NPCI's cooling period: the total in the first 24 h after binding would pass the cap (₹5,000 on UPI). */
  COOLING_PERIOD_AMOUNT_LIMIT: 'FP',
  /**
   * NPCI's "credentials not present": the payer's bank holds no UPI PIN for the account yet, so there is
   * nothing to check the PIN against (docs/upi-pin.md). Not ZM: the user typed nothing wrong, and no try
   * is counted; the app sends the user to set a PIN.
   */
  PIN_NOT_SET: 'U11',
  /** NPCI's "amount or currency mismatch": the encrypted PIN was given for another amount than the debit's. */
  PIN_AMOUNT_MISMATCH: 'U12',
  /** NPCI's "encryption error": the encrypted PIN cannot be used (not for this bank's key, altered, expired, replayed, not for a payment). */
  PIN_BLOCK_INVALID: 'U14',
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
  PAYMENT_ADDRESS_INVALID: 'payment-address-invalid',
  PAYMENT_ADDRESS_RESERVED: 'payment-address-reserved',
  PAYMENT_ADDRESS_CONFUSABLE: 'payment-address-confusable',
  PAYMENT_ADDRESS_TAKEN: 'payment-address-taken',
  PAYMENT_ADDRESS_LIMIT: 'payment-address-limit',
  PAYMENT_ADDRESS_PRIMARY: 'payment-address-primary',
  AMOUNT_OUT_OF_RANGE: 'amount-out-of-range',
  DAILY_AMOUNT_LIMIT: 'daily-amount-limit',
  DAILY_COUNT_LIMIT: 'daily-count-limit',
  NEW_DEVICE_LIMIT: 'new-device-limit',
  ACCOUNT_NOT_FOUND: 'account-not-found',
  UPI_PIN_REJECTED: 'upi-pin-rejected',
  ALREADY_REGISTERED: 'already-registered',
  BINDING_TOKEN_INVALID: 'binding-token-invalid',
  SMS_SENDER_MISMATCH: 'sms-sender-mismatch',
  WEBHOOK_SIGNATURE_INVALID: 'webhook-signature-invalid',
  WEBHOOK_REPLAYED: 'webhook-replayed',
  DEVICE_BINDING_NOT_CONFIRMED: 'device-binding-not-confirmed',
  DEVICE_PROOF_INVALID: 'device-proof-invalid',
  REFRESH_TOKEN_INVALID: 'refresh-token-invalid',
  PAYLOAD_TOO_LARGE: 'payload-too-large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported-media-type',
  RATE_LIMITED: 'rate-limited',
  DEPENDENCY_UNAVAILABLE: 'dependency-unavailable',
  INTERNAL: 'internal-error',
} as const;

export type ProblemCode = (typeof PROBLEM_CODES)[keyof typeof PROBLEM_CODES];
