import type { LegPurpose, Money, ResultCode } from '@kirim/contracts';
import type { LegDirection } from '../bank-legs/bank-adapter.port';
import type { PartnerLeg } from '../partner-banks/partner-leg';

/** A leg as the sandbox ledger recorded it: its posting and what its entries moved on the customer's account. */
export interface SandboxLegRecord {
  readonly requestId: string;
  readonly paymentId: string;
  readonly purpose: LegPurpose;
  readonly direction: LegDirection;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly resultCode: ResultCode;
  readonly rrn: string | null;
  /** What the leg asked for (the posting). */
  readonly amount: Money;
  /**
   * The sum of the posting's ledger entries on the customer's account, signed (negative: money
   * left it). Zero for a declined leg. This, not the posting, is what the bank did.
   */
  readonly movedMinor: bigint;
}

/**
 * Reads what the banks recorded for legs, for reconciliation (port); TypeOrmBankLegRecords reads
 * the sandbox ledger and partner_legs. Both look legs up by request id and, to find legs payments
 * did not ask about, by payment id; each returns at most `limit` legs.
 */
export abstract class BankLegRecords {
  abstract sandboxLegs(requestIds: readonly string[], paymentIds: readonly string[], limit: number): Promise<SandboxLegRecord[]>;
  abstract partnerLegs(requestIds: readonly string[], paymentIds: readonly string[], limit: number): Promise<PartnerLeg[]>;
}
