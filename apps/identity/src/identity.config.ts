import { BaseServiceConfig, EnvBoolean, IsUrlWithProtocol } from '@kirim/platform';
import { IsBoolean, IsDefined, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { parseSigningPrivateKey } from './tokens/signing-key';

/** Validates IDENTITY_SIGNING_KEY at boot; the message names the variable and the rule, never the key. */
function IsEs256PrivateKeyPem(): PropertyDecorator {
  return ValidateBy({
    name: 'isEs256PrivateKeyPem',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseSigningPrivateKey(value).ok,
      defaultMessage: (args) => {
        const value: unknown = args?.value;
        const parsed = typeof value === 'string' ? parseSigningPrivateKey(value) : { ok: false as const, reason: 'must be a string' };
        return `$property ${parsed.ok ? 'is invalid' : parsed.reason}`;
      },
    },
  });
}

export class IdentityConfig extends BaseServiceConfig {
  /** PKCS#8 PEM of the EC P-256 key that signs access tokens (`node dist/.../generate-signing-key.js` makes one). */
  @IsDefined({ message: '$property is required' })
  @IsEs256PrivateKeyPem()
  IDENTITY_SIGNING_KEY!: string;

  /** `kid` of the signing key, published in the JWKS so verifiers can pick the key during a rotation. */
  @IsDefined({ message: '$property is required' })
  @IsString()
  @MaxLength(64, { message: '$property must be at most 64 characters' })
  @Matches(/^[A-Za-z0-9._-]+$/, { message: '$property must use letters, digits, ".", "_" or "-"' })
  IDENTITY_SIGNING_KEY_ID!: string;

  /** Access tokens are short-lived (DESIGN: "short-lived JWTs"); 15 minutes by default, at most one hour. */
  @IsInt({ message: '$property must be an integer number of seconds between 60 and 3600' })
  @Min(60, { message: '$property must be an integer number of seconds between 60 and 3600' })
  @Max(3600, { message: '$property must be an integer number of seconds between 60 and 3600' })
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /**
   * Enables POST /v1/users and POST /v1/sessions, which hand out a token for a bare phone number.
   * There is no OTP or device binding yet, so this must stay off anywhere real users exist.
   */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  IDENTITY_SANDBOX_LOGIN = false;

  /** Base URL of bank-connector, asked which accounts a phone number holds. */
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['http', 'https'])
  BANK_CONNECTOR_URL!: string;
}
