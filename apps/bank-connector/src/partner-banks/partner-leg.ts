import type { LegPurpose, Money } from '@kirim/contracts';
import type { LegDirection } from '../bank-legs/bank-adapter.port';
import type { LegAnswer } from '../bank-legs/bank-leg-result';

/**
 * A leg sent to a partner bank over its topic, as bank-connector remembers it: what was asked
 * (so the bank's answer can be checked against it, and a reused request id recognised) and, once
 * it came, the answer (so a status check is answered from it without asking the bank again).
 */
export interface PartnerLeg {
  readonly requestId: string;
  readonly paymentId: string;
  readonly txnId: string;
  readonly purpose: LegPurpose;
  readonly direction: LegDirection;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amount: Money;
  readonly forwardedAt: Date;
  /** How often the leg was sent to the bank: the first time plus each status check. */
  readonly forwards: number;
  readonly answer: LegAnswer | null;
  readonly answeredAt: Date | null;
}

export type NewPartnerLeg = Omit<PartnerLeg, 'forwards' | 'answer' | 'answeredAt'>;
