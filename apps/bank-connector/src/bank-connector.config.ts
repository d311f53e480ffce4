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
}
