import { PROBLEM_CODES, ProblemCode } from './result-codes';

/** Where each problem type is described; `type` of a problem is this base plus its code (RFC 9457 §3.1.1). */
export const PROBLEM_TYPE_BASE = 'https://kirim.dev/problems/';

export interface ProblemCatalogueEntry {
  /** The HTTP statuses a problem with this code is answered with; the first is the usual one. */
  readonly statuses: readonly [number, ...number[]];
  /** RFC 9457 `title`: the same for every occurrence of the type, so clients may show it. */
  readonly title: string;
  /** When it happens, for the API documents. */
  readonly description: string;
}

/**
 * Every problem kirim answers, by its stable `code`. The services render problems from this table
 * (ProblemException takes the title and type from here) and the OpenAPI documents list problem
 * responses from it (`@ApiProblems`), so the code and the docs cannot disagree. `satisfies` makes
 * a code added to PROBLEM_CODES without an entry here a type error.
 */
export const PROBLEM_CATALOGUE = {
  [PROBLEM_CODES.VALIDATION_FAILED]: {
    statuses: [400, 422],
    title: 'The request is not valid',
    description:
      'A field, query parameter or body is malformed: wrong type or format, an unknown field, a control character in text, a query parameter given more than once, or a body that is not JSON.',
  },
  [PROBLEM_CODES.UNAUTHENTICATED]: {
    statuses: [401],
    title: 'Authentication required',
    description: 'No credentials, or credentials that are malformed, expired, revoked or for another audience.',
  },
  [PROBLEM_CODES.FORBIDDEN]: {
    statuses: [403],
    title: 'Not allowed',
    description: 'The caller is authenticated but may not do this.',
  },
  [PROBLEM_CODES.NOT_FOUND]: {
    statuses: [404],
    title: 'Not found',
    description: 'Nothing the caller may see exists at this path.',
  },
  [PROBLEM_CODES.CONFLICT]: {
    statuses: [409],
    title: 'Conflict',
    description: 'The request conflicts with the current state of the resource.',
  },
  [PROBLEM_CODES.IDEMPOTENCY_KEY_MISSING]: {
    statuses: [400],
    title: 'Idempotency-Key required',
    description: 'A request that can move money needs an Idempotency-Key header: 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-".',
  },
  [PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED]: {
    statuses: [422],
    title: 'Idempotency-Key reused',
    description: 'The Idempotency-Key was already used for a request with another body.',
  },
  [PROBLEM_CODES.IDEMPOTENCY_KEY_IN_FLIGHT]: {
    statuses: [409],
    title: 'Request with this Idempotency-Key in progress',
    description: 'An earlier request with the same Idempotency-Key has not finished yet; retry later.',
  },
  [PROBLEM_CODES.PAYEE_NOT_FOUND]: {
    statuses: [404, 422],
    title: 'Payee not found',
    description: 'No user has this phone number or address (404, resultCode ZH), or the payee has no linked bank account (422, resultCode XI).',
  },
  [PROBLEM_CODES.PAYER_ACCOUNT_MISSING]: {
    statuses: [422],
    title: 'Payer has no bank account',
    description: 'The payer has not linked a bank account (resultCode XH).',
  },
  [PROBLEM_CODES.SELF_PAYMENT]: {
    statuses: [422],
    title: 'Payer and payee are the same',
    description: 'A user cannot pay themselves.',
  },
  [PROBLEM_CODES.PAYMENT_ADDRESS_INVALID]: {
    statuses: [422],
    title: 'Payment address not valid',
    description:
      'The handle is not 3 to 50 characters of lowercase letters, digits, ".", "-" or "_" starting and ending with a letter or digit, with no two separators in a row, or it has no letter (all-digit handles are phone-number addresses) (docs/payment-addresses.md).',
  },
  [PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED]: {
    statuses: [422],
    title: 'Payment address reserved',
    description: 'The handle is, or looks like, a reserved word (admin, support, kirim, upi, bank, ...) or a phone-number address.',
  },
  [PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE]: {
    statuses: [409],
    title: 'Payment address too similar to another',
    description: 'The handle can be mistaken for an existing one (0/o, 1/l/i, 5/s, rn/m, vv/w, "." / "-" / "_", ...).',
  },
  [PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN]: {
    statuses: [409],
    title: 'Payment address taken',
    description: 'Another address already has this handle (handles are compared without regard to case).',
  },
  [PROBLEM_CODES.PAYMENT_ADDRESS_LIMIT]: {
    statuses: [422],
    title: 'Too many payment addresses',
    description: 'The caller already has as many payment addresses as one user may have.',
  },
  [PROBLEM_CODES.PAYMENT_ADDRESS_PRIMARY]: {
    statuses: [409],
    title: 'Primary payment address',
    description: 'The primary address cannot be removed; make another one primary first.',
  },
  [PROBLEM_CODES.AMOUNT_OUT_OF_RANGE]: {
    statuses: [422],
    title: 'Amount out of range',
    description: 'The amount is above the per-transaction limit (resultCode Z8).',
  },
  [PROBLEM_CODES.DAILY_AMOUNT_LIMIT]: {
    statuses: [422],
    title: 'Daily amount limit reached',
    description:
      "The payment would take the payer's total over the scheme's rolling 24-hour amount limit (UPI: ₹1,00,000; resultCode Z8). The detail says when enough of the limit frees up.",
  },
  [PROBLEM_CODES.DAILY_COUNT_LIMIT]: {
    statuses: [422],
    title: 'Daily payment count limit reached',
    description:
      "The payer has made as many payments in the last 24 hours as the scheme allows (UPI: 20; resultCode Z7). The detail says when the next one is possible.",
  },
  [PROBLEM_CODES.NEW_DEVICE_LIMIT]: {
    statuses: [422],
    title: 'New device limit reached',
    description:
      'In the first 24 hours after a device is bound the payer may send only a small total (UPI: ₹5,000): resultCode FL when this payment alone is above it, FP when the total would be.',
  },
  [PROBLEM_CODES.ACCOUNT_NOT_FOUND]: {
    statuses: [404],
    title: 'Bank account not found',
    description: "No bank holds this account for the caller's phone number.",
  },
  [PROBLEM_CODES.UPI_PIN_REJECTED]: {
    statuses: [422],
    title: 'UPI PIN not accepted',
    description:
      "The bank did not accept the PIN block of a PIN set or change; `resultCode` says why: ZM wrong current PIN, Z6 PIN tries exceeded, U14 a block the bank cannot use (not for its key, altered, expired, used before, for another purpose or with a PIN that is not 4 or 6 digits).",
  },
  [PROBLEM_CODES.ALREADY_REGISTERED]: {
    statuses: [409],
    title: 'Already registered',
    description: 'A user with this phone number is already registered.',
  },
  [PROBLEM_CODES.BINDING_TOKEN_INVALID]: {
    statuses: [422],
    title: 'Binding token not valid',
    description: 'The SMS carries no binding token kirim issued, or one that has expired or was already used (docs/device-binding.md).',
  },
  [PROBLEM_CODES.SMS_SENDER_MISMATCH]: {
    statuses: [422],
    title: 'SMS from another number',
    description: "The binding SMS was sent from another phone number than the one being bound: the SIM is what proves the number.",
  },
  [PROBLEM_CODES.WEBHOOK_SIGNATURE_INVALID]: {
    statuses: [401],
    title: 'Webhook signature not valid',
    description: 'The webhook-signature header does not match the body, or webhook-timestamp is outside the tolerance (Standard Webhooks).',
  },
  [PROBLEM_CODES.WEBHOOK_REPLAYED]: {
    statuses: [409],
    title: 'Webhook already received',
    description: 'A webhook with this webhook-id was already received; a replay changes nothing.',
  },
  [PROBLEM_CODES.REPLAY_FAILED]: {
    statuses: [422],
    title: 'Replay failed',
    description: "The dead-lettered record's handler failed again on replay; nothing it did was kept, and the record stays open (docs/dead-letters.md).",
  },
  [PROBLEM_CODES.DEVICE_BINDING_NOT_CONFIRMED]: {
    statuses: [409],
    title: 'Device binding not confirmed',
    description: 'The binding has not been confirmed by SMS yet, has expired, was already completed or was revoked.',
  },
  [PROBLEM_CODES.DEVICE_PROOF_INVALID]: {
    statuses: [401],
    title: 'Device proof not valid',
    description: "The proof is not a fresh JWS by the bound device's key for this request (signature, claims, age or a reused jti).",
  },
  [PROBLEM_CODES.REFRESH_TOKEN_INVALID]: {
    statuses: [401],
    title: 'Refresh token not valid',
    description: 'The refresh token is unknown, expired or revoked, or was already used: reusing a rotated refresh token revokes the device binding.',
  },
  [PROBLEM_CODES.PAYLOAD_TOO_LARGE]: {
    statuses: [413],
    title: 'Request body too large',
    description: 'The request body is larger than the service accepts.',
  },
  [PROBLEM_CODES.UNSUPPORTED_MEDIA_TYPE]: {
    statuses: [415],
    title: 'Unsupported media type',
    description: 'The request body is in a charset or content encoding the service does not read; send UTF-8 JSON.',
  },
  [PROBLEM_CODES.RATE_LIMITED]: {
    statuses: [429],
    title: 'Too many requests',
    description: 'The caller sent too many requests; retry after the number of seconds in the Retry-After header.',
  },
  [PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED]: {
    statuses: [409],
    title: 'Already a merchant',
    description: 'The user already owns a merchant (docs/merchants.md): one merchant per user.',
  },
  [PROBLEM_CODES.MERCHANT_CATEGORY_UNKNOWN]: {
    statuses: [422],
    title: 'Merchant category not accepted',
    description: "The merchant category code (MCC) is not one the scheme profile's merchant categories list.",
  },
  [PROBLEM_CODES.SETTLEMENT_ADDRESS_NOT_OWNED]: {
    statuses: [422],
    title: 'Settlement address not yours',
    description: "The settlement address is not one of the merchant owner's own kirim payment addresses.",
  },
  [PROBLEM_CODES.MERCHANT_API_KEY_LIMIT]: {
    statuses: [409],
    title: 'Too many active API keys',
    description: 'A merchant has at most two active API keys (one to rotate to); revoke one before making another.',
  },
  [PROBLEM_CODES.MERCHANT_UNAVAILABLE]: {
    statuses: [409],
    title: 'Merchant cannot be paid',
    description: "The merchant's settlement address no longer leads to its owner's bank account; the merchant must fix it.",
  },
  [PROBLEM_CODES.MERCHANT_ORDER_REFERENCE_REUSED]: {
    statuses: [409],
    title: 'Order reference reused',
    description: "The merchant already made an order with this reference and another amount, note or expiry.",
  },
  [PROBLEM_CODES.MERCHANT_ORDER_EXPIRED]: {
    statuses: [422],
    title: 'Order expired',
    description: 'The order can no longer be paid: its expiry has passed.',
  },
  [PROBLEM_CODES.MERCHANT_ORDER_ALREADY_PAID]: {
    statuses: [409],
    title: 'Order already paid',
    description: 'The order is paid, or a payment of it is still in progress.',
  },
  [PROBLEM_CODES.MERCHANT_ORDER_NOT_PAID]: {
    statuses: [409],
    title: 'Order not paid',
    description: 'Only a paid order (its payment completed) can be refunded.',
  },
  [PROBLEM_CODES.REFUND_EXCEEDS_PAID]: {
    statuses: [422],
    title: 'Refund above what was paid',
    description: 'The refunds of an order (those not failed, this one included) would be more than its payment.',
  },
  [PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED]: {
    statuses: [409],
    title: 'Collect request reference reused',
    description: 'The requester (a merchant, or a person) already made a collect request with this reference and another customer, amount, note, expiry or pay-to address.',
  },
  [PROBLEM_CODES.COLLECT_REQUEST_EXPIRED]: {
    statuses: [422],
    title: 'Collect request expired',
    description: 'The collect request was neither approved nor declined before its expiry (UPI U69); nothing can be paid for it.',
  },
  [PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING]: {
    statuses: [409],
    title: 'Collect request already answered',
    description: 'The collect request was already approved or declined.',
  },
  [PROBLEM_CODES.P2P_COLLECT_DISABLED]: {
    statuses: [403],
    title: 'Person-to-person collect requests are off',
    description: "Only merchants may ask a customer to pay: the scheme profile turns collect requests between people off (NPCI stopped them on UPI in 2025).",
  },
  [PROBLEM_CODES.PAY_TO_ADDRESS_NOT_USABLE]: {
    statuses: [422],
    title: 'Pay-to address not usable',
    description:
      "A collect request between people is paid into its payTo address, which must be one of the requester's own custom kirim addresses (not the phone-number one) with a linked bank account behind it; at approval, it must still lead to the requester.",
  },
  [PROBLEM_CODES.WEBHOOK_URL_INVALID]: {
    statuses: [422],
    title: 'Webhook URL not accepted',
    description:
      'A merchant webhook URL must be an absolute https URL of at most 2048 characters, with no user name, password or fragment, whose host is not localhost or a loopback, private, link-local or unique-local IP address (docs/notifications.md). The detail says which rule it broke.',
  },
  [PROBLEM_CODES.WEBHOOK_ENDPOINT_LIMIT]: {
    statuses: [409],
    title: 'Too many webhook endpoints',
    description: 'A merchant has at most three enabled webhook endpoints; disable one before registering another.',
  },
  [PROBLEM_CODES.WEBHOOK_ENDPOINT_DISABLED]: {
    statuses: [409],
    title: 'Webhook endpoint disabled',
    description: 'The webhook endpoint is disabled for good: its secret cannot be rotated. Register a new endpoint instead.',
  },
  [PROBLEM_CODES.USER_NOT_FOUND]: {
    statuses: [404],
    title: 'No such user',
    description: 'identity has no user with this id (internal get-sms-number): a caller gives up on it, where a bare not-found (a route missing mid-rollout) is worth trying again.',
  },
  [PROBLEM_CODES.DEPENDENCY_UNAVAILABLE]: {
    statuses: [503, 502, 504],
    title: 'Temporarily unavailable',
    description: 'A service this request needs cannot be reached right now; retry shortly.',
  },
  [PROBLEM_CODES.PAYMENTS_OVERLOADED]: {
    statuses: [503],
    title: 'Payments are backed up',
    description:
      'payments is behind with the payments it has already accepted, so it takes no new one for now (docs/payment-lifecycle.md, "Backpressure"). Nothing was recorded: retry with the same Idempotency-Key after the seconds in the Retry-After header. A retry of a payment already accepted is still answered with it.',
  },
  [PROBLEM_CODES.INTERNAL]: {
    statuses: [500],
    title: 'Internal error',
    description: 'An unexpected error; nothing about its cause is disclosed.',
  },
  [PROBLEM_CODES.PAYEE_IS_MERCHANT]: {
    statuses: [422],
    title: 'The payee is a merchant',
    description: "The address belongs to a merchant, not a person: pay the merchant through its order or collect request, not as a person-to-person payment (docs/merchants.md).",
  },
} as const satisfies Record<ProblemCode, ProblemCatalogueEntry>;

export function problemTypeUri(code: ProblemCode): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}

/** The catalogue entry of `code`; typed as the interface so callers need not know each literal. */
export function problemEntry(code: ProblemCode): ProblemCatalogueEntry {
  return PROBLEM_CATALOGUE[code];
}

/** Whether the catalogue allows answering `code` with `status`: the tests hold every response to it. */
export function isCataloguedProblem(code: string, status: number): boolean {
  if (!Object.prototype.hasOwnProperty.call(PROBLEM_CATALOGUE, code)) return false;
  return (problemEntry(code as ProblemCode).statuses as readonly number[]).includes(status);
}
