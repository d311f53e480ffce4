import { IsDefined, Matches } from 'class-validator';
import { BaseServiceConfig, IsUrlWithProtocol } from '@kirim/platform';

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
}

export function paymentMaxAmountMinor(config: Pick<PaymentsConfig, 'PAYMENT_MAX_AMOUNT_MINOR'>): bigint {
  return BigInt(config.PAYMENT_MAX_AMOUNT_MINOR);
}
