import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { NODE_ENVS, NodeEnv } from '../config/base-service.config';
import { IsIdentityUrl } from '../auth/identity-url';
import { EnvBoolean, IsUrlWithProtocol } from '../config/env-validators';

/**
 * What a service needs to call others with its own credentials (docs/service-credentials.md):
 * its secret, identity (which issues the tokens) and the base URL of each service it calls.
 */
export class ServiceCallsConfig {
  @IsIn(NODE_ENVS, { message: `$property must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  /** 32 random bytes, base64url; identity holds only its SHA-256 (SERVICE_CLIENT_DIGESTS). */
  @IsDefined({ message: '$property is required' })
  @IsString({ message: '$property must be a string' })
  @MinLength(32, { message: '$property must be at least 32 characters (32 random bytes, base64url)' })
  @MaxLength(128, { message: '$property must be at most 128 characters' })
  SERVICE_CLIENT_SECRET!: string;

  /** identity's base URL: where tokens are issued and identity's internal operations answer. */
  @IsDefined({ message: '$property is required' })
  @IsIdentityUrl()
  IDENTITY_URL!: string;

  /**
   * Lets IDENTITY_URL be http:// in production, as BaseServiceConfig's flag of the same name does.
   * Declared here too: IsIdentityUrl reads it from this object, and an undeclared variable is never
   * read, so without it a production service could never call identity over a fenced pod network.
   */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  IDENTITY_HTTP_ALLOWED = false;

  @IsOptional()
  @IsUrlWithProtocol(['http', 'https'])
  BANK_CONNECTOR_URL?: string;
}
