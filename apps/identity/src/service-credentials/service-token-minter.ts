import type { ServicePrincipal } from '@kirim/contracts';

export interface MintedServiceToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

/** Signs a service token with identity's current key (the same key and JWKS as user tokens). */
export abstract class ServiceTokenMinter {
  abstract mint(client: ServicePrincipal, audience: ServicePrincipal): Promise<MintedServiceToken>;
}
