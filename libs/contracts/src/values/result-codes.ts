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
  /** The debit got no answer after every status check: deemed failed (the scheme profile's deemed outcome). */
  DEBIT_TIMEOUT: 'U67',
  /** The credit got no answer after every status check: deemed failed, and the payer's debit is reversed. */
  CREDIT_TIMEOUT: 'U68',
  /** NPCI's "collect request expired": the payer neither approved nor declined it before its expiry (docs/merchants.md). */
  COLLECT_EXPIRED: 'U69',
  /** The reversal (the payer's money going back) got no answer after every status check; it is tried again. */
  REVERSAL_TIMEOUT: 'RB',
  INVALID_ADDRESS: 'ZH',
  REMITTER_ACCOUNT_MISSING: 'XH',
  BENEFICIARY_ACCOUNT_MISSING: 'XI',
  /** NPCI's "remitting account is blocked/frozen": the payer's bank will not let money out of the account. */
  REMITTER_ACCOUNT_FROZEN: 'YE',
  /** NPCI's "beneficiary account is blocked/frozen": the payee's bank will not let money into the account. */
  BENEFICIARY_ACCOUNT_FROZEN: 'YF',
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
  REPLAY_FAILED: 'replay-failed',
  DEVICE_BINDING_NOT_CONFIRMED: 'device-binding-not-confirmed',
  DEVICE_PROOF_INVALID: 'device-proof-invalid',
  REFRESH_TOKEN_INVALID: 'refresh-token-invalid',
  PAYLOAD_TOO_LARGE: 'payload-too-large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported-media-type',
  RATE_LIMITED: 'rate-limited',
  MERCHANT_ALREADY_ONBOARDED: 'merchant-already-onboarded',
  MERCHANT_CATEGORY_UNKNOWN: 'merchant-category-unknown',
  SETTLEMENT_ADDRESS_NOT_OWNED: 'settlement-address-not-owned',
  MERCHANT_API_KEY_LIMIT: 'merchant-api-key-limit',
  MERCHANT_UNAVAILABLE: 'merchant-unavailable',
  MERCHANT_ORDER_REFERENCE_REUSED: 'merchant-order-reference-reused',
  MERCHANT_ORDER_EXPIRED: 'merchant-order-expired',
  MERCHANT_ORDER_ALREADY_PAID: 'merchant-order-already-paid',
  MERCHANT_ORDER_NOT_PAID: 'merchant-order-not-paid',
  REFUND_EXCEEDS_PAID: 'refund-exceeds-paid',
  COLLECT_REQUEST_REFERENCE_REUSED: 'collect-request-reference-reused',
  COLLECT_REQUEST_EXPIRED: 'collect-request-expired',
  COLLECT_REQUEST_NOT_PENDING: 'collect-request-not-pending',
  P2P_COLLECT_DISABLED: 'p2p-collect-disabled',
  PAY_TO_ADDRESS_NOT_USABLE: 'pay-to-address-not-usable',
  WEBHOOK_URL_INVALID: 'webhook-url-invalid',
  WEBHOOK_ENDPOINT_LIMIT: 'webhook-endpoint-limit',
  WEBHOOK_ENDPOINT_DISABLED: 'webhook-endpoint-disabled',
  USER_NOT_FOUND: 'user-not-found',
  DEPENDENCY_UNAVAILABLE: 'dependency-unavailable',
  PAYMENTS_OVERLOADED: 'payments-overloaded',
  INTERNAL: 'internal-error',
  PAYEE_IS_MERCHANT: 'payee-is-merchant',
} as const;

export type ProblemCode = (typeof PROBLEM_CODES)[keyof typeof PROBLEM_CODES];
