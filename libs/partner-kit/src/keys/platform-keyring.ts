import { BankEncryptionKey, PLATFORM_DECRYPTING_PRINCIPAL, platformEncryptionKeyOf, SERVICE_PRINCIPALS, TrustedSigningKeys } from '@kirim/contracts';
import { DEFAULT_JWKS_FETCHERS, describeJwksLocation, JwksFetchers, JwksLocation, loadJwks } from './jwks-location';

/** The only kirim principal that signs partner requests. */
export const PARTNER_REQUEST_SIGNER = SERVICE_PRINCIPALS.BANK_CONNECTOR;

export interface PlatformKeyringOptions {
  /** Least time between two reloads; a flood of records with unknown kids reloads at most this often. */
  readonly minRefreshIntervalMs?: number;
  readonly fetchers?: JwksFetchers;
  readonly now?: () => number;
}

/** What the bank takes from kirim's platform JWKS: the keys that verify kirim, and the key it encrypts for kirim with. */
interface PlatformKeys {
  readonly signing: TrustedSigningKeys;
  readonly encryption: BankEncryptionKey;
}

/**
 * kirim's platform JWKS as the bank trusts it: each key's owner is named in its kid
 * (`<principal>:<label>`), and only `bank-connector`'s keys verify partner requests. The same JWKS
 * lists kirim's encryption key (`use: "enc"`, bank-connector's): holder names in lookup answers are
 * encrypted for it. When kirim rotates its signing key, a record signed by the new kid arrives
 * before the bank has reloaded: the gate then asks for a reload (rate-limited) and checks once more.
 * When it rotates its encryption key, the old one stays valid until every bank has reloaded, which
 * the runner does every few minutes (`refresh`).
 */
export class PlatformKeyring {
  private lastLoadAt: number;

  private constructor(
    private readonly location: JwksLocation,
    private keys: PlatformKeys,
    private readonly options: Required<PlatformKeyringOptions>,
  ) {
    this.lastLoadAt = options.now();
  }

  /** Loads the JWKS; throws when it cannot be read or holds no signing or no encryption key of bank-connector. */
  static async load(location: JwksLocation, options: PlatformKeyringOptions = {}): Promise<PlatformKeyring> {
    const resolved: Required<PlatformKeyringOptions> = {
      minRefreshIntervalMs: options.minRefreshIntervalMs ?? 30_000,
      fetchers: options.fetchers ?? DEFAULT_JWKS_FETCHERS,
      now: options.now ?? Date.now,
    };
    return new PlatformKeyring(location, await PlatformKeyring.read(location, resolved.fetchers), resolved);
  }

  private static async read(location: JwksLocation, fetchers: JwksFetchers): Promise<PlatformKeys> {
    const jwks = await loadJwks(location, fetchers);
    let signing: TrustedSigningKeys;
    try {
      signing = await TrustedSigningKeys.ofPlatform(jwks);
    } catch (error) {
      throw new Error(`${describeJwksLocation(location)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (signing.keyIdsOf(PARTNER_REQUEST_SIGNER).length === 0) {
      throw new Error(`${describeJwksLocation(location)} holds no signing key of ${PARTNER_REQUEST_SIGNER} (kid "${PARTNER_REQUEST_SIGNER}:<label>"), so no request could be verified`);
    }
    let encryption: BankEncryptionKey;
    try {
      encryption = await platformEncryptionKeyOf(jwks, PLATFORM_DECRYPTING_PRINCIPAL);
    } catch (error) {
      throw new Error(`${describeJwksLocation(location)}: ${error instanceof Error ? error.message : String(error)}, so no holder name could be sent`);
    }
    return { signing, encryption };
  }

  /** The keys that verify kirim's records. */
  current(): TrustedSigningKeys {
    return this.keys.signing;
  }

  /** kirim's current encryption key: what the bank encrypts holder names for. */
  encryptionKey(): BankEncryptionKey {
    return this.keys.encryption;
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
