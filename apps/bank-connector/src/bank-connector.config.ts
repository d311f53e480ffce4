import { IsOptional, IsString, MinLength } from 'class-validator';
import { BaseServiceConfig } from '@kirim/platform';

export class BankConnectorConfig extends BaseServiceConfig {
  /**
   * Turns on the sandbox administration API (/v1/sandbox/...), which opens accounts with money in
   * them: callers must send it in `x-sandbox-admin-token`. Unset, that API answers 404. Never set it
   * in an environment that talks to real banks. The API is on this service's own port only, never
   * on the public edge, and the token has no default anywhere: scripts/stack.sh generates one, the
   * compose file requires one (docs/data-at-rest.md). At least 16 characters, so it is not guessable.
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: '$property must be at least 16 characters' })
  SANDBOX_ADMIN_TOKEN?: string;

  /**
   * The partner registry (libs/contracts/src/partner-registry.ts): the banks reached over Kafka.
   * Unset: no partner banks, only the sandbox ones.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  PARTNER_REGISTRY_FILE?: string;

  /**
   * The sandbox banks' UPI PIN keys (deploy/local/sandbox-pin-keys.js): `<dir>/<BANK>/<kid>.pem`,
   * `<dir>/<BANK>/current.kid` and `<dir>/<BANK>/pin-verification.keys` (the keys stored PIN hashes
   * are made with). Secrets: mount them for bank-connector alone. Unset: the sandbox
   * banks publish no PIN key and decline every debit, as no PIN can be checked.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  SANDBOX_PIN_KEYS_DIR?: string;

  /**
   * bank-connector's private encryption keys (deploy/local/message-keys.ts): `<dir>/<label>.pem`
   * (PKCS#8, X25519 or P-256) for kid `bank-connector:<label>`, the current key and any being rotated
   * out. Partner banks encrypt holder names for the public halves, which the platform JWKS lists
   * (`use: "enc"`). Secrets: mount them for bank-connector alone. Required when the registry lists a
   * partner bank; every bank-connector encryption key of the platform JWKS must have its private key here.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  MESSAGE_DECRYPTION_KEYS_DIR?: string;

  /** Where the registry's relative `jwks.file` paths start; the registry file's folder by default. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  PARTNER_JWKS_DIR?: string;
}
