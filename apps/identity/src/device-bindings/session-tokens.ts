import type { IssuedToken } from '../tokens/token-issuer';

/** What a device gets when it completes a binding or refreshes: a short access token and the next refresh token. */
export interface SessionTokens {
  readonly userId: string;
  readonly bindingId: string;
  readonly access: IssuedToken;
  readonly refreshToken: string;
  readonly refreshExpiresIn: number;
}
