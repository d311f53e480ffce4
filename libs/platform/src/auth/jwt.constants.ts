/** Shared by identity (which signs with SignJWT) and every verifier. */
export const JWT_ISSUER = 'kirim-identity';
export const JWT_AUDIENCE = 'kirim';
export const JWT_ALGORITHM = 'ES256';

/** Provider token for the key source `jwtVerify` uses; defaults to identity's remote JWKS. */
export const JWT_KEY_RESOLVER = Symbol('JWT_KEY_RESOLVER');

/** Claims identity puts in a device-bound access token beside `sub`. */
export const DEVICE_BINDING_CLAIM = 'did';
export const DEVICE_BOUND_AT_CLAIM = 'dbt';

export interface AuthenticatedUser {
  userId: string;
  /** The device binding the token was issued to; null for a sandbox-login token (local development only). */
  deviceBindingId: string | null;
  /** When that device was bound: limits apply a cooling period after it. Null for a sandbox-login token. */
  deviceBoundAt: Date | null;
}
