import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { MessageTrustConfig } from '@kirim/messaging';
import { BaseServiceConfig, IsUrlWithProtocol, loadConfig } from '@kirim/platform';
import { BUILT_IN_SCHEME_PROFILE_NAMES, checkSettleTimeCoversFreshness, loadSchemeProfile, SchemeProfile } from './limits/scheme-profile';

/** The payments service's environment, validated once at boot. */
export class PaymentsConfig extends BaseServiceConfig {
  /** Base URL of identity: it issues payments its service tokens and resolves the payment parties (internal). */
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['http', 'https'])
  IDENTITY_URL!: string;

  /**
   * The scheme profile whose limits and timing payments follow (apps/payments/src/limits/scheme-profiles/):
   * UPI by default. Validated with the rest of the config at boot (`schemeProfile`).
   */
  @IsIn(BUILT_IN_SCHEME_PROFILE_NAMES, { message: `$property must be one of ${BUILT_IN_SCHEME_PROFILE_NAMES.join(', ')}` })
  SCHEME_PROFILE = 'upi';

  /**
   * A scheme profile file to use instead of the built-in one (a bank's stricter limits, another
   * scheme, the local stack's compressed clock). Held to the same rules, the per-payment hard
   * ceiling included; `"extends": "upi"` starts it from the built-in profile.
   */
  @IsOptional()
  @IsString({ message: '$property must be a file path' })
  SCHEME_PROFILE_FILE?: string;

  /**
   * How often each replica looks for payments whose timer is due (a status check, a deemed outcome,
   * a reversal retry) and for reversals past their deadline. The timing itself is the scheme
   * profile's (status-check pacing, settle time, retry backoff). Default 1 s.
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 10 and 60000' })
  @Min(10, { message: '$property must be an integer number of milliseconds between 10 and 60000' })
  @Max(60_000, { message: '$property must be an integer number of milliseconds between 10 and 60000' })
  PAYMENT_LEG_CHECK_INTERVAL_MS = 1000;

  /**
   * Calls to identity's resolve-payment-parties out at once per replica. Lookups asked while that
   * many are out wait and go together in the next call (up to 64), so identity's per-request work is
   * shared when payments arrive faster than it answers. Default 2: each of two concurrent payments at
   * a low rate is still asked at once (docs/benchmarks.md, twelfth pass).
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 32' })
  @Min(1, { message: '$property must be an integer between 1 and 32' })
  @Max(32, { message: '$property must be an integer between 1 and 32' })
  PARTY_LOOKUP_CALLS_IN_FLIGHT = 2;

  /**
   * Backpressure (docs/payment-lifecycle.md, "Backpressure"): new payments are refused with 503
   * payments-overloaded while the saga lags more than this (the age of payments' oldest unpublished
   * outbox row). Default 10 s: twenty times the p99 of a whole payment at 1,000 payments/s, so a
   * broker's leader election or a relay taking over rides through, and far short of the minutes a
   * payer would otherwise queue.
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 1000 and 600000' })
  @Min(1000, { message: '$property must be an integer number of milliseconds between 1000 and 600000' })
  @Max(600_000, { message: '$property must be an integer number of milliseconds between 1000 and 600000' })
  PAYMENT_ADMISSION_MAX_LAG_MS = 10_000;

  /**
   * How often each replica reads the saga's lag from the database; a request only reads the last
   * value. A value older than 20 of these intervals (5 s by default) is not used: admission opens.
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 50 and 5000' })
  @Min(50, { message: '$property must be an integer number of milliseconds between 50 and 5000' })
  @Max(5000, { message: '$property must be an integer number of milliseconds between 50 and 5000' })
  PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS = 250;

  /** The longest Retry-After a refusal carries; shorter when the lag is just over its bound. Default 10 s. */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of seconds between 1 and 300' })
  @Min(1, { message: '$property must be an integer number of seconds between 1 and 300' })
  @Max(300, { message: '$property must be an integer number of seconds between 1 and 300' })
  PAYMENT_ADMISSION_MAX_RETRY_AFTER_SECONDS = 10;

  /**
   * How many requests to start a payment one replica works on at once; the next is answered 503
   * payments-overloaded with Retry-After 1 at once, reading nothing. Queued requests are what make an
   * overloaded replica slow (Little's law: in flight = rate x time), so this bounds how long an
   * admitted request waits. Default 128: at the 1,000 payments/s goal an acceptance takes some tens
   * of ms, so a replica keeping up holds a few dozen, with room for bursts; 64 shed more than it
   * saved on the two-core machine (docs/benchmarks.md, fourteenth pass).
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 10000' })
  @Min(1, { message: '$property must be an integer between 1 and 10000' })
  @Max(10_000, { message: '$property must be an integer between 1 and 10000' })
  PAYMENT_ADMISSION_MAX_IN_FLIGHT = 128;
}

/**
 * The selected scheme profile, validated, and held against the signed-record freshness window this
 * deployment runs with (MESSAGE_MAX_AGE_MS, MESSAGE_MAX_FUTURE_SKEW_MS): a ConfigError naming the
 * field when it breaks a rule.
 */
export function schemeProfile(
  config: Pick<PaymentsConfig, 'SCHEME_PROFILE' | 'SCHEME_PROFILE_FILE'>,
  trust: Pick<MessageTrustConfig, 'MESSAGE_MAX_AGE_MS' | 'MESSAGE_MAX_FUTURE_SKEW_MS'> = loadConfig(MessageTrustConfig),
): SchemeProfile {
  const file = config.SCHEME_PROFILE_FILE;
  const profile = loadSchemeProfile({ name: config.SCHEME_PROFILE, ...(file !== undefined ? { file } : {}) });
  checkSettleTimeCoversFreshness(
    profile,
    { maxAgeMs: trust.MESSAGE_MAX_AGE_MS, maxFutureSkewMs: trust.MESSAGE_MAX_FUTURE_SKEW_MS },
    file !== undefined ? 'SCHEME_PROFILE_FILE (scheme profile)' : `scheme profile ${profile.name}`,
  );
  return profile;
}
