import { IsOptional, IsString, MinLength } from 'class-validator';
import { BaseServiceConfig } from '@kirim/platform';

export class BankConnectorConfig extends BaseServiceConfig {
  /**
   * Turns on the sandbox administration API (/v1/sandbox/...), which opens accounts with money in
   * them: callers must send it in `x-sandbox-admin-token`. Unset, that API answers 404. Never set it
   * in an environment that talks to real banks.
   */
  @IsOptional()
  @IsString()
  @MinLength(8, { message: '$property must be at least 8 characters' })
  SANDBOX_ADMIN_TOKEN?: string;

  /**
   * The partner registry (libs/contracts/src/partner-registry.ts): the banks reached over Kafka.
   * Unset: no partner banks, only the sandbox ones.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  PARTNER_REGISTRY_FILE?: string;

  /** Where the registry's relative `jwks.file` paths start; the registry file's folder by default. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  PARTNER_JWKS_DIR?: string;
}
