import { E164_PATTERN } from '@kirim/contracts';
import { BaseServiceConfig, EnvBoolean, IsUrlWithProtocol, MAX_ACCESS_TOKEN_TTL_SECONDS } from '@kirim/platform';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateIf } from 'class-validator';
import { parseServiceClientDigests } from './service-credentials/service-clients';
import { parsePublishedKey, parseSigningPrivateKey } from './tokens/signing-key';

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

/** Validates IDENTITY_PUBLISHED_KEY: a P-256 public key, or a private key whose public half is published. */
function IsEs256KeyPem(): PropertyDecorator {
  return ValidateBy({
    name: 'isEs256KeyPem',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parsePublishedKey(value).ok,
      defaultMessage: (args) => {
        const value: unknown = args?.value;
        const parsed = typeof value === 'string' ? parsePublishedKey(value) : { ok: false as const, reason: 'must be a string' };
        return `$property ${parsed.ok ? 'is invalid' : parsed.reason}`;
      },
    },
  });
}

/**
 * Sandbox login hands out a token for a bare phone number: in production that is an account
 * takeover for anyone who knows a number, so the service refuses to start rather than serve it.
 */
function IsOffInProduction(): PropertyDecorator {
  return ValidateBy({
    name: 'isOffInProduction',
    validator: {
      validate: (value: unknown, args) => !(value === true && (args?.object as { NODE_ENV?: unknown }).NODE_ENV === 'production'),
      defaultMessage: () => '$property must not be true when NODE_ENV=production: sandbox login gives a token for a bare phone number (local development only)',
    },
  });
}

/** The published key's kid must differ from the signing key's, or verifiers could not tell them apart. */
function DiffersFromSigningKeyId(): PropertyDecorator {
  return ValidateBy({
    name: 'differsFromSigningKeyId',
    validator: {
      validate: (value: unknown, args) => value !== (args?.object as { IDENTITY_SIGNING_KEY_ID?: unknown }).IDENTITY_SIGNING_KEY_ID,
      defaultMessage: () => '$property must differ from IDENTITY_SIGNING_KEY_ID',
    },
  });
}

/** A Standard Webhooks secret: "whsec_" and base64 of at least 24 random bytes. */
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

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

  /**
   * A second key published in the JWKS but never used to sign: the next key before a rotation, the
   * previous one after it (docs/device-binding.md, "Rotating the signing key"). A public key PEM
   * is enough; a PKCS#8 private key is accepted and only its public half is used.
   */
  @IsOptional()
  @IsEs256KeyPem()
  IDENTITY_PUBLISHED_KEY?: string;

  @ValidateIf((config: IdentityConfig) => config.IDENTITY_PUBLISHED_KEY !== undefined || config.IDENTITY_PUBLISHED_KEY_ID !== undefined)
  @IsDefined({ message: '$property is required when IDENTITY_PUBLISHED_KEY is set' })
  @IsString()
  @MaxLength(64, { message: '$property must be at most 64 characters' })
  @Matches(/^[A-Za-z0-9._-]+$/, { message: '$property must use letters, digits, ".", "_" or "-"' })
  @DiffersFromSigningKeyId()
  IDENTITY_PUBLISHED_KEY_ID?: string;

  /**
   * Access tokens are short-lived: 5 minutes by default, at most MAX_ACCESS_TOKEN_TTL_SECONDS (15
   * minutes), which is what bounds revocation (docs/device-binding.md).
   */
  @Type(() => Number)
  @IsInt({ message: `$property must be an integer number of seconds between 60 and ${MAX_ACCESS_TOKEN_TTL_SECONDS}` })
  @Min(60, { message: `$property must be an integer number of seconds between 60 and ${MAX_ACCESS_TOKEN_TTL_SECONDS}` })
  @Max(MAX_ACCESS_TOKEN_TTL_SECONDS, { message: `$property must be an integer number of seconds between 60 and ${MAX_ACCESS_TOKEN_TTL_SECONDS}` })
  ACCESS_TOKEN_TTL_SECONDS = 300;

  /** Refresh tokens: opaque, rotated on every use; 30 days by default (1 hour to 90 days). */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of seconds between 3600 and 7776000' })
  @Min(3600, { message: '$property must be an integer number of seconds between 3600 and 7776000' })
  @Max(7_776_000, { message: '$property must be an integer number of seconds between 3600 and 7776000' })
  REFRESH_TOKEN_TTL_SECONDS = 2_592_000;

  /** How long a binding token is good for, SMS and completion included: 10 minutes (1 to 30). */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of seconds between 60 and 1800' })
  @Min(60, { message: '$property must be an integer number of seconds between 60 and 1800' })
  @Max(1800, { message: '$property must be an integer number of seconds between 60 and 1800' })
  DEVICE_BINDING_TTL_SECONDS = 600;

  /** The platform's virtual number, to which devices send the binding SMS (E.164). */
  @IsDefined({ message: '$property is required' })
  @Matches(E164_PATTERN, { message: '$property must be an E.164 phone number, e.g. +919000000000' })
  SMS_VIRTUAL_NUMBER!: string;

  /** The SMS provider's Standard Webhooks secret ("whsec_" + base64), shared with the provider only. */
  @IsDefined({ message: '$property is required' })
  @Matches(WEBHOOK_SECRET, { message: '$property must be a Standard Webhooks secret: "whsec_" followed by base64 of at least 24 bytes' })
  SMS_WEBHOOK_SECRET!: string;

  /** Bind requests per phone number per hour (an SMS costs, and a number may be targeted). */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 1000' })
  @Min(1, { message: '$property must be an integer between 1 and 1000' })
  @Max(1000, { message: '$property must be an integer between 1 and 1000' })
  BIND_REQUESTS_PER_PHONE_PER_HOUR = 5;

  /** Bind requests per device id per hour. */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 1000' })
  @Min(1, { message: '$property must be an integer between 1 and 1000' })
  @Max(1000, { message: '$property must be an integer between 1 and 1000' })
  BIND_REQUESTS_PER_DEVICE_PER_HOUR = 10;

  /** Completion attempts per binding (each needs a device proof). */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 100' })
  @Min(1, { message: '$property must be an integer between 1 and 100' })
  @Max(100, { message: '$property must be an integer between 1 and 100' })
  BINDING_COMPLETION_ATTEMPTS = 5;

  /**
   * Enables POST /v1/users and POST /v1/sessions, which hand out a token for a bare phone number,
   * for local development only: refused at boot when NODE_ENV=production. Clients bind devices.
   */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  @IsOffInProduction()
  IDENTITY_SANDBOX_LOGIN = false;

  /** Base URL of bank-connector, asked which accounts a phone number holds. */
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['http', 'https'])
  BANK_CONNECTOR_URL!: string;

  /**
   * Digests of the services' client secrets, `name:sha256hex` comma-separated, a service at most
   * twice during a rotation (docs/service-credentials.md). Empty means no service may get a token.
   */
  @IsString({ message: '$property must be a string' })
  @ValidateBy({
    name: 'isServiceClientDigests',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseServiceClientDigests(value).ok,
      defaultMessage: (args) => {
        const parsed = typeof args?.value === 'string' ? parseServiceClientDigests(args.value) : { ok: false as const, reason: 'must be a string' };
        return `$property ${parsed.ok ? 'is invalid' : parsed.reason}`;
      },
    },
  })
  SERVICE_CLIENT_DIGESTS = '';

  /** Payment addresses one user may hold, the default one included (docs/payment-addresses.md). */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 20' })
  @Min(1, { message: '$property must be an integer between 1 and 20' })
  @Max(20, { message: '$property must be an integer between 1 and 20' })
  PAYMENT_ADDRESSES_PER_USER = 5;

  /*
   * The payee-lookup anti-scan bucket, after Pix's DICT (docs/payment-addresses.md): capacity 100,
   * 2 tokens a minute, a hit costs 1 and a miss 20. The bounds keep it a brake: a bucket too large or
   * a refill too fast would let a scanner walk through numbers.
   */

  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 10 and 1000' })
  @Min(10, { message: '$property must be an integer between 10 and 1000' })
  @Max(1000, { message: '$property must be an integer between 10 and 1000' })
  PAYEE_LOOKUP_BUCKET_CAPACITY = 100;

  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of tokens a minute between 1 and 60' })
  @Min(1, { message: '$property must be an integer number of tokens a minute between 1 and 60' })
  @Max(60, { message: '$property must be an integer number of tokens a minute between 1 and 60' })
  PAYEE_LOOKUP_REFILL_PER_MINUTE = 2;

  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 10' })
  @Min(1, { message: '$property must be an integer between 1 and 10' })
  @Max(10, { message: '$property must be an integer between 1 and 10' })
  PAYEE_LOOKUP_HIT_COST = 1;

  /** Must be at least the hit cost and at most the capacity (a miss must be possible, and cost more). */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 1000' })
  @Min(1, { message: '$property must be an integer between 1 and 1000' })
  @Max(1000, { message: '$property must be an integer between 1 and 1000' })
  @ValidateBy({
    name: 'isBetweenHitCostAndCapacity',
    validator: {
      validate: (value: unknown, args) => {
        const config = args?.object as IdentityConfig;
        return typeof value === 'number' && value >= config.PAYEE_LOOKUP_HIT_COST && value <= config.PAYEE_LOOKUP_BUCKET_CAPACITY;
      },
      defaultMessage: () => '$property must be at least PAYEE_LOOKUP_HIT_COST and at most PAYEE_LOOKUP_BUCKET_CAPACITY',
    },
  })
  PAYEE_LOOKUP_MISS_COST = 20;
}
