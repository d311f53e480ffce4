import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Matches, Max, Min, ValidateBy, ValidationArguments } from 'class-validator';
import { BaseServiceConfig, EnvBoolean } from '@kirim/platform';

/** Standard Webhooks secrets: `whsec_` and 24 to 64 random bytes in base64. */
const WEBHOOK_SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** Whether `value` is a Standard Webhooks secret with enough key in it. */
export function isWebhookSecret(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = WEBHOOK_SECRET.exec(value);
  if (!match) return false;
  const bytes = Buffer.from(match[1], 'base64');
  return bytes.length >= 24 && bytes.length <= 64 && bytes.toString('base64').replace(/=+$/, '') === match[1].replace(/=+$/, '');
}

/** The HTTP switches that let an endpoint's URL be http:// (a receiver on this machine). */
type HttpAllowedSetting = 'CHAT_WEBHOOK_HTTP_ALLOWED' | 'SMS_PROVIDER_HTTP_ALLOWED';

/** An endpoint's URL: https; http only with `httpAllowedBy`=true (a local receiver); no credentials in it. */
function IsEndpointUrl(httpAllowedBy: HttpAllowedSetting, authenticatedBy: string): PropertyDecorator {
  return ValidateBy({
    name: 'isEndpointUrl',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const url = parseUrl(value);
        if (url === null || url.username !== '' || url.password !== '') return false;
        if (url.protocol === 'https:') return true;
        return url.protocol === 'http:' && (args?.object as NotificationsConfig | undefined)?.[httpAllowedBy] === true;
      },
      defaultMessage: (args?: ValidationArguments) => {
        const url = parseUrl(args?.value);
        if (url !== null && (url.username !== '' || url.password !== '')) return `$property must not carry credentials (${authenticatedBy})`;
        if (url?.protocol === 'http:') return `$property must be an https:// URL (http:// only with ${httpAllowedBy}=true, for a local receiver)`;
        return '$property must be an https:// URL';
      },
    },
  });
}

/**
 * A URL and its credential come together: a chat webhook URL without a secret would send unsigned
 * receipts, an SMS provider URL without a key would be refused every time.
 */
function RequiresAlso(other: 'CHAT_WEBHOOK_URL' | 'CHAT_WEBHOOK_SECRET' | 'SMS_PROVIDER_URL' | 'SMS_PROVIDER_API_KEY', purpose: string): PropertyDecorator {
  return ValidateBy({
    name: 'requiresAlso',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) => (args?.object as Record<string, unknown> | undefined)?.[other] !== undefined,
      defaultMessage: () => `$property is set but ${other} is not: set both to ${purpose}, or neither`,
    },
  });
}

/** The SMS provider's API key: at least 32 printable characters, no spaces (it goes in a header). */
const SMS_PROVIDER_API_KEY_PATTERN = /^[\x21-\x7e]{32,512}$/;

function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function intBetween(min: number, max: number, unit: string): PropertyDecorator[] {
  const message = `$property must be an integer ${unit}between ${min} and ${max}`;
  return [Type(() => Number), IsInt({ message }), Min(min, { message }), Max(max, { message })];
}

function apply(decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/**
 * notifications' environment, validated once at boot. The chat platform's webhook is off unless
 * both CHAT_WEBHOOK_URL and CHAT_WEBHOOK_SECRET are set, SMS unless both SMS_PROVIDER_URL and
 * SMS_PROVIDER_API_KEY are; the DELIVERY_* settings pace every channel (docs/notifications.md).
 */
export class NotificationsConfig extends BaseServiceConfig {
  /** Where receipts are pushed into the chat thread (the messaging platform's webhook). */
  @IsOptional()
  @IsEndpointUrl('CHAT_WEBHOOK_HTTP_ALLOWED', 'the webhook is authenticated by its signature')
  @RequiresAlso('CHAT_WEBHOOK_SECRET', 'deliver receipts to the chat platform')
  CHAT_WEBHOOK_URL?: string;

  /** The platform's Standard Webhooks secret (`whsec_` + base64 of 24 to 64 bytes); it verifies our signature with it. */
  @IsOptional()
  @ValidateBy({
    name: 'isWebhookSecret',
    validator: { validate: isWebhookSecret, defaultMessage: () => '$property must be a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 random bytes' },
  })
  @RequiresAlso('CHAT_WEBHOOK_URL', 'deliver receipts to the chat platform')
  CHAT_WEBHOOK_SECRET?: string;

  /** Lets CHAT_WEBHOOK_URL be http://: only for a receiver on the same machine (tests, a local stack). */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  CHAT_WEBHOOK_HTTP_ALLOWED = false;

  /**
   * The SMS provider's outbound-message API (`POST` a message `{ to, text, reference }`): receipts go
   * by SMS to users without the app when both this and SMS_PROVIDER_API_KEY are set.
   */
  @IsOptional()
  @IsEndpointUrl('SMS_PROVIDER_HTTP_ALLOWED', 'the provider is authenticated by SMS_PROVIDER_API_KEY')
  @RequiresAlso('SMS_PROVIDER_API_KEY', 'send receipts by SMS')
  SMS_PROVIDER_URL?: string;

  /** kirim's API key at the SMS provider, sent as a Bearer token. */
  @IsOptional()
  @Matches(SMS_PROVIDER_API_KEY_PATTERN, { message: '$property must be the provider API key: at least 32 printable characters, without spaces' })
  @RequiresAlso('SMS_PROVIDER_URL', 'send receipts by SMS')
  SMS_PROVIDER_API_KEY?: string;

  /** Lets SMS_PROVIDER_URL be http://: only for a provider on the same machine (the local stack's simulator). */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  SMS_PROVIDER_HTTP_ALLOWED = false;

  /**
   * Lets merchants register http:// webhook URLs, and URLs on localhost or a loopback, private,
   * link-local or unique-local address: only for a local stack, whose receivers run on this machine.
   * Off, a registered URL must be https to a public host (docs/notifications.md, "Merchant webhooks").
   */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  MERCHANT_WEBHOOK_HTTP_ALLOWED = false;

  /**
   * After a merchant rotates an endpoint's secret, how long the previous secret still signs beside
   * the new one, so the merchant can switch its verifier without losing a delivery. A week at most:
   * a leaked secret that was rotated away should not stay valid for long.
   */
  @apply(intBetween(1, 168, 'number of hours '))
  MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS = 24;

  /** How often each replica looks for due deliveries. */
  @apply(intBetween(10, 60_000, 'number of milliseconds '))
  DELIVERY_POLL_INTERVAL_MS = 500;

  /** How long one attempt may take before it counts as failed (and is retried). */
  @apply(intBetween(100, 60_000, 'number of milliseconds '))
  DELIVERY_TIMEOUT_MS = 5000;

  /** The first retry waits up to this long (full jitter), doubling per attempt up to DELIVERY_BACKOFF_MAX_MS. */
  @apply(intBetween(10, 3_600_000, 'number of milliseconds '))
  DELIVERY_BACKOFF_BASE_MS = 2000;

  /** The longest wait between two attempts, a Retry-After included. */
  @apply(intBetween(10, 86_400_000, 'number of milliseconds '))
  @ValidateBy({
    name: 'isAtLeastBase',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => typeof value === 'number' && value >= ((args?.object as NotificationsConfig | undefined)?.DELIVERY_BACKOFF_BASE_MS ?? 0),
      defaultMessage: () => '$property must be at least DELIVERY_BACKOFF_BASE_MS',
    },
  })
  DELIVERY_BACKOFF_MAX_MS = 600_000;

  /** Attempts before a delivery is dead (alerted; an operator may replay it). 10 with the defaults is about an hour. */
  @apply(intBetween(1, 100, ''))
  DELIVERY_MAX_ATTEMPTS = 10;

  /** Attempts in flight at once per endpoint (and the size of one claim). */
  @apply(intBetween(1, 100, ''))
  DELIVERY_CONCURRENCY_PER_ENDPOINT = 8;

  /** Failed attempts in a row that open an endpoint's circuit. */
  @apply(intBetween(1, 1000, ''))
  DELIVERY_BREAKER_FAILURES = 5;

  /** How long an open circuit waits before one trial attempt. */
  @apply(intBetween(100, 3_600_000, 'number of milliseconds '))
  DELIVERY_BREAKER_COOL_DOWN_MS = 30_000;
}
