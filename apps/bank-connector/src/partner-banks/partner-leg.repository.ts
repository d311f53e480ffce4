import type { InTransaction } from '@kirim/messaging';
import type { LegAnswer } from '../bank-legs/bank-leg-result';
import type { NewPartnerLeg, PartnerLeg } from './partner-leg';

/** Legs sent to partner banks (port); TypeOrmPartnerLegRepository keeps them in PostgreSQL. */
export abstract class PartnerLegRepository {
  /**
   * Records a leg about to be sent, unless its request id is known; returns the stored leg either
   * way, locked for the rest of `tx` (an answer and a status check for one leg apply one at a time).
   */
  abstract recordForwarded(tx: InTransaction, leg: NewPartnerLeg): Promise<{ readonly created: boolean; readonly leg: PartnerLeg }>;
  /** `SELECT ... FOR UPDATE` by request id. */
  abstract lockByRequestId(tx: InTransaction, requestId: string): Promise<PartnerLeg | null>;
  /** One more send of the same leg (a status check). */
  abstract countForward(tx: InTransaction, requestId: string): Promise<void>;
  abstract recordAnswer(tx: InTransaction, requestId: string, answer: LegAnswer, at: Date): Promise<void>;
  /**
   * Legs of one of `requestIds` or of one of `paymentIds`, oldest sent first, at most `limit`:
   * what reconciliation compares with what payments asked. A plain read, no lock (give it the data
   * source's manager to read committed rows outside a transaction).
   */
  abstract findByRequestOrPaymentIds(tx: InTransaction, requestIds: readonly string[], paymentIds: readonly string[], limit: number): Promise<PartnerLeg[]>;
}
