import { Type } from 'class-transformer';
import { IsDefined, IsInt, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig, IsUrlWithProtocol } from '@kirim/platform';
import type { LegTimerPolicy } from './payment/leg-timer';

/** The payments service's environment, validated once at boot. */
export class PaymentsConfig extends BaseServiceConfig {
  /** Base URL of identity, which resolves payees and the payer's account (GET /v1/payment-parties). */
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['http', 'https'])
  IDENTITY_URL!: string;

  /**
   * Per-payment limit in minor units. Default ₹1,00,000: NPCI's per-transaction limit for P2P UPI.
   * Kept as a digit string and read with BigInt(), so no amount passes through a float.
   */
  @Matches(/^[1-9]\d{0,17}$/, { message: '$property must be a positive integer number of minor units (at most 18 digits)' })
  PAYMENT_MAX_AMOUNT_MINOR = '10000000';

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

export function paymentMaxAmountMinor(config: Pick<PaymentsConfig, 'PAYMENT_MAX_AMOUNT_MINOR'>): bigint {
  return BigInt(config.PAYMENT_MAX_AMOUNT_MINOR);
}

export function legTimerPolicy(config: Pick<PaymentsConfig, 'PAYMENT_LEG_TIMEOUT_MS' | 'PAYMENT_MAX_LEG_CHECKS'>): LegTimerPolicy {
  return { timeoutMs: config.PAYMENT_LEG_TIMEOUT_MS, maxChecks: config.PAYMENT_MAX_LEG_CHECKS };
}
