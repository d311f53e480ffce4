import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { BaseServiceConfig, IsUrlWithProtocol } from '@kirim/platform';
import { BUILT_IN_SCHEME_PROFILE_NAMES, loadSchemeProfile, SchemeProfile } from './limits/scheme-profile';
import type { LegTimerPolicy } from './payment/leg-timer';

/** The payments service's environment, validated once at boot. */
export class PaymentsConfig extends BaseServiceConfig {
  /** Base URL of identity: it issues payments its service tokens and resolves the payment parties (internal). */
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['http', 'https'])
  IDENTITY_URL!: string;

  /**
   * The scheme profile whose limits payments enforce (apps/payments/src/limits/scheme-profiles/):
   * UPI by default. Validated with the rest of the config at boot (`schemeProfile`).
   */
  @IsIn(BUILT_IN_SCHEME_PROFILE_NAMES, { message: `$property must be one of ${BUILT_IN_SCHEME_PROFILE_NAMES.join(', ')}` })
  SCHEME_PROFILE = 'upi';

  /**
   * A scheme profile file to use instead of the built-in one (a bank's stricter limits, another
   * scheme). Held to the same rules, the per-payment hard ceiling included.
   */
  @IsOptional()
  @IsString({ message: '$property must be a file path' })
  SCHEME_PROFILE_FILE?: string;

  /**
   * Pay-leg timeout: how long a debit, credit or reversal waits for the bank's answer before the
   * first status check (a re-send of the same command). Default 15 s (DESIGN "The payment").
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 100 and 300000' })
  @Min(100, { message: '$property must be an integer number of milliseconds between 100 and 300000' })
  @Max(300_000, { message: '$property must be an integer number of milliseconds between 100 and 300000' })
  PAYMENT_LEG_TIMEOUT_MS = 15_000;

  /** How often each replica looks for payments whose leg timer is due. Default 1 s. */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 10 and 60000' })
  @Min(10, { message: '$property must be an integer number of milliseconds between 10 and 60000' })
  @Max(60_000, { message: '$property must be an integer number of milliseconds between 10 and 60000' })
  PAYMENT_LEG_CHECK_INTERVAL_MS = 1000;

  /**
   * Status checks per leg, with backoff (timeout * 2^n, at most 5 min), before the payment is left
   * to an operator (an error log naming it). Default 5; 0 means none, only the log at the timeout.
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 0 and 20' })
  @Min(0, { message: '$property must be an integer between 0 and 20' })
  @Max(20, { message: '$property must be an integer between 0 and 20' })
  PAYMENT_MAX_LEG_CHECKS = 5;
}

/** The selected scheme profile, validated; a ConfigError naming the field when it breaks a rule. */
export function schemeProfile(config: Pick<PaymentsConfig, 'SCHEME_PROFILE' | 'SCHEME_PROFILE_FILE'>): SchemeProfile {
  return loadSchemeProfile({ name: config.SCHEME_PROFILE, ...(config.SCHEME_PROFILE_FILE !== undefined ? { file: config.SCHEME_PROFILE_FILE } : {}) });
}

export function legTimerPolicy(config: Pick<PaymentsConfig, 'PAYMENT_LEG_TIMEOUT_MS' | 'PAYMENT_MAX_LEG_CHECKS'>): LegTimerPolicy {
  return { timeoutMs: config.PAYMENT_LEG_TIMEOUT_MS, maxChecks: config.PAYMENT_MAX_LEG_CHECKS };
}
