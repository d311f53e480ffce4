import { ServicePrincipal } from '@kirim/contracts';
import { Clock, ServiceTokenSource } from '@kirim/platform';
import { ServiceTokenMinter } from './service-token-minter';

/**
 * identity's own calls to other services: it is the issuer, so it mints its tokens in-process
 * instead of asking itself over HTTP, cached like RemoteServiceTokenSource caches them.
 */
export class LocalServiceTokenSource extends ServiceTokenSource {
  private readonly cache = new Map<ServicePrincipal, { token: string; renewAtMs: number }>();

  constructor(
    private readonly minter: ServiceTokenMinter,
    private readonly clock: Clock,
    private readonly self: ServicePrincipal = 'identity',
  ) {
    super();
  }

  async tokenFor(audience: ServicePrincipal): Promise<string> {
    const nowMs = this.clock.now().getTime();
    const cached = this.cache.get(audience);
    if (cached && cached.renewAtMs > nowMs) return cached.token;
    const minted = await this.minter.mint(this.self, audience);
    this.cache.set(audience, { token: minted.accessToken, renewAtMs: nowMs + (minted.expiresIn * 1000) / 2 });
    return minted.accessToken;
  }

  forget(audience: ServicePrincipal, token: string): void {
    if (this.cache.get(audience)?.token === token) this.cache.delete(audience);
  }
}
