/** Shared by identity (which signs with SignJWT) and every verifier. */
export const JWT_ISSUER = 'kirim-identity';
export const JWT_AUDIENCE = 'kirim';
export const JWT_ALGORITHM = 'ES256';

/** Provider token for the key source `jwtVerify` uses; defaults to identity's remote JWKS. */
export const JWT_KEY_RESOLVER = Symbol('JWT_KEY_RESOLVER');

export interface AuthenticatedUser {
  userId: string;
}
