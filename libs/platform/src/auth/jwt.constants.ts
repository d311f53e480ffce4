/** Shared by identity (which signs with SignJWT) and every verifier. */
export const JWT_ISSUER = 'kirim-identity';
export const JWT_ALGORITHM = 'ES256';

/**
 * Audiences: each service's guard accepts only tokens naming it. A user token names the services a
 * user may call (USER_TOKEN_AUDIENCES); bank-connector is not among them: users never call it.
 */
export const JWT_AUDIENCES = {
  IDENTITY: 'identity',
  PAYMENTS: 'payments',
  NOTIFICATIONS: 'notifications',
  BANK_CONNECTOR: 'bank-connector',
} as const;
export type JwtAudience = (typeof JWT_AUDIENCES)[keyof typeof JWT_AUDIENCES];
export const USER_TOKEN_AUDIENCES: readonly JwtAudience[] = [JWT_AUDIENCES.IDENTITY, JWT_AUDIENCES.PAYMENTS, JWT_AUDIENCES.NOTIFICATIONS];

/**
 * The longest access token any verifier accepts (`exp - iat`), whatever the issuer was configured
 * with. Revocation relies on it: a verifier forgets a revoked binding this long after revocation,
 * when every token issued to it has expired (docs/device-binding.md).
 */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

/** Provider token for the key source `jwtVerify` uses; defaults to identity's remote JWKS. */
export const JWT_KEY_RESOLVER = Symbol('JWT_KEY_RESOLVER');

/** Claims identity puts in a device-bound access token beside `sub`. */
export const DEVICE_BINDING_CLAIM = 'did';
export const DEVICE_BOUND_AT_CLAIM = 'dbt';
/** RFC 7800 confirmation claim: `{ jkt }`, the RFC 7638 thumbprint of the bound device's public key. */
export const CONFIRMATION_CLAIM = 'cnf';

/** Provider token of the audience this service's guard requires (AuthModule.forRoot({ audience })). */
export const JWT_SERVICE_AUDIENCE = Symbol('JWT_SERVICE_AUDIENCE');

export interface AuthenticatedUser {
  userId: string;
  /** The device binding the token was issued to; null for a sandbox-login token (local development only). */
  deviceBindingId: string | null;
  /** When that device was bound: limits apply a cooling period after it. Null for a sandbox-login token. */
  deviceBoundAt: Date | null;
}
