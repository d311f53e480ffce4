import { Type } from 'class-transformer';
import { IsDefined, IsInt, Max, Min } from 'class-validator';
import { IsUrlWithProtocol } from '@kirim/platform';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** payments' reconciliation job (docs/operations.md), validated once at boot. */
export class ReconciliationConfig {
  /** bank-connector, which says what the banks did with each leg (INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS). */
  @IsDefined({ message: '$property is required: reconciliation asks bank-connector what the banks did' })
  @IsUrlWithProtocol(['http', 'https'])
  BANK_CONNECTOR_URL!: string;

  /** How often a run starts by itself; 0: never (an operator can still start one). Default 5 min. */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 0 and 86400000 (0: no periodic runs)' })
  @Min(0, { message: '$property must be an integer number of milliseconds between 0 and 86400000 (0: no periodic runs)' })
  @Max(DAY, { message: '$property must be an integer number of milliseconds between 0 and 86400000 (0: no periodic runs)' })
  RECONCILIATION_INTERVAL_MS = 5 * MINUTE;

  /** Final payments updated this recently are checked again (non-final ones always are). Default 24 h. */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 60000 and 2592000000' })
  @Min(MINUTE, { message: '$property must be an integer number of milliseconds between 60000 and 2592000000' })
  @Max(30 * DAY, { message: '$property must be an integer number of milliseconds between 60000 and 2592000000' })
  RECONCILIATION_LOOKBACK_MS = DAY;

  /**
   * Payments updated more recently than this are left to the next run: their answers may be in
   * flight. Default 15 min, longer than the pay-leg timeout and the first status check (UPI: 15 s,
   * then 45 to 90 s).
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 0 and 86400000' })
  @Min(0, { message: '$property must be an integer number of milliseconds between 0 and 86400000' })
  @Max(DAY, { message: '$property must be an integer number of milliseconds between 0 and 86400000' })
  RECONCILIATION_GRACE_MS = 15 * MINUTE;

  /**
   * A leg the payment still waits for is judged only once the payment has not moved for this long:
   * until then its own status checks are at work (UPI: for two hours, then a 15-minute settle time
   * before the deemed outcome). Default 3 h.
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds between 0 and 604800000' })
  @Min(0, { message: '$property must be an integer number of milliseconds between 0 and 604800000' })
  @Max(7 * DAY, { message: '$property must be an integer number of milliseconds between 0 and 604800000' })
  RECONCILIATION_PENDING_GRACE_MS = 3 * 60 * MINUTE;

  /** Payments one run checks at most, newest first. Default 2000. */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 50000' })
  @Min(1, { message: '$property must be an integer between 1 and 50000' })
  @Max(50_000, { message: '$property must be an integer between 1 and 50000' })
  RECONCILIATION_MAX_PAYMENTS = 2000;
}

/** What a run uses of the config. */
export interface ReconciliationPolicy {
  readonly intervalMs: number;
  readonly lookbackMs: number;
  readonly graceMs: number;
  readonly pendingGraceMs: number;
  readonly maxPayments: number;
}

export function reconciliationPolicy(config: ReconciliationConfig): ReconciliationPolicy {
  return {
    intervalMs: config.RECONCILIATION_INTERVAL_MS,
    lookbackMs: config.RECONCILIATION_LOOKBACK_MS,
    graceMs: config.RECONCILIATION_GRACE_MS,
    pendingGraceMs: config.RECONCILIATION_PENDING_GRACE_MS,
    maxPayments: config.RECONCILIATION_MAX_PAYMENTS,
  };
}
