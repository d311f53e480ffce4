import { SERVICE_PRINCIPALS, TrustedSigningKeys } from '@kirim/contracts';
import { DEFAULT_JWKS_FETCHERS, describeJwksLocation, JwksFetchers, JwksLocation, loadJwks } from './jwks-location';

/** The only kirim principal that signs partner requests. */
export const PARTNER_REQUEST_SIGNER = SERVICE_PRINCIPALS.BANK_CONNECTOR;

export interface PlatformKeyringOptions {
  /** Least time between two reloads; a flood of records with unknown kids reloads at most this often. */
  readonly minRefreshIntervalMs?: number;
  readonly fetchers?: JwksFetchers;
  readonly now?: () => number;
}

/**
 * kirim's platform JWKS as the bank trusts it: each key's owner is named in its kid
 * (`<principal>:<label>`), and only `bank-connector`'s keys verify partner requests. When kirim
 * rotates its key, a record signed by the new kid arrives before the bank has reloaded: the gate
 * then asks for a reload (rate-limited) and checks once more.
 */
export class PlatformKeyring {
  private lastLoadAt: number;

  private constructor(
    private readonly location: JwksLocation,
    private keys: TrustedSigningKeys,
    private readonly options: Required<PlatformKeyringOptions>,
  ) {
    this.lastLoadAt = options.now();
  }

  /** Loads the JWKS; throws when it cannot be read or holds no key of bank-connector. */
  static async load(location: JwksLocation, options: PlatformKeyringOptions = {}): Promise<PlatformKeyring> {
    const resolved: Required<PlatformKeyringOptions> = {
      minRefreshIntervalMs: options.minRefreshIntervalMs ?? 30_000,
      fetchers: options.fetchers ?? DEFAULT_JWKS_FETCHERS,
      now: options.now ?? Date.now,
    };
    return new PlatformKeyring(location, await PlatformKeyring.read(location, resolved.fetchers), resolved);
  }

  private static async read(location: JwksLocation, fetchers: JwksFetchers): Promise<TrustedSigningKeys> {
    const jwks = await loadJwks(location, fetchers);
    let keys: TrustedSigningKeys;
    try {
      keys = await TrustedSigningKeys.ofPlatform(jwks);
    } catch (error) {
      throw new Error(`${describeJwksLocation(location)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (keys.keyIdsOf(PARTNER_REQUEST_SIGNER).length === 0) {
      throw new Error(`${describeJwksLocation(location)} holds no signing key of ${PARTNER_REQUEST_SIGNER} (kid "${PARTNER_REQUEST_SIGNER}:<label>"), so no request could be verified`);
    }
    return keys;
  }

  current(): TrustedSigningKeys {
    return this.keys;
  }

  /**
   * Reloads the JWKS unless it was loaded within the minimum interval. Resolves true when keys were
   * reloaded. A failed reload keeps the keys in hand (and is reported to the caller as false).
   */
  async refresh(): Promise<boolean> {
    if ('jwks' in this.location) return false;
    const now = this.options.now();
    if (now - this.lastLoadAt < this.options.minRefreshIntervalMs) return false;
    this.lastLoadAt = now;
    try {
      this.keys = await PlatformKeyring.read(this.location, this.options.fetchers);
      return true;
    } catch {
      return false;
    }
  }
}
