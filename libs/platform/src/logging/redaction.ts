/** Field names that hold secrets or personal data (UPI PIN, OTPs, account numbers, phone numbers). */
const SENSITIVE_FIELDS = [
  'pin',
  'newPin',
  // The UPI PIN block: ciphertext, but it belongs on the debit request to the bank and nowhere else.
  'encryptedPin',
  'otp',
  'password',
  'accountNumber',
  'phone',
  'phoneNumber',
  'mobile',
  'token',
  'accessToken',
  'refreshToken',
  'privateKey',
  'secret',
] as const;

/*
 * pino's `*` matches exactly one level, so each field is listed at the top level and up to three
 * levels down (e.g. `err.details.payer.phone`). Request bodies are never logged at all.
 */
const NESTED_PATTERNS = (field: string): string[] => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`];

export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SENSITIVE_FIELDS.flatMap(NESTED_PATTERNS),
];

export const REDACTION_CENSOR = '[redacted]';

export const LOG_REDACTION = { paths: [...REDACTED_LOG_PATHS], censor: REDACTION_CENSOR };
