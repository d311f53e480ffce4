import { Counter, Histogram } from 'prom-client';
import type { TransactionScope } from '@kirim/messaging';
import { catalogued, serviceMetrics } from '@kirim/platform';
import type { BankLegOutcome, LegDirection } from './bank-adapter.port';

/**
 * bank-connector's metrics (docs/metrics.md), served on its `/metrics` with the rest
 * (serviceMetrics). The `bank` label is always a code bank-connector is configured for (sandbox
 * banks, the partner registry), never one a message names unchecked, so it stays a closed set.
 * Each leg or answer applied is counted once the consumer's transaction has committed, so a chunk
 * rolled back and retried counts it once (docs/metrics.md).
 */

/** The label for a bank code no connector answers for. */
export const UNKNOWN_BANK = 'unknown';

/** Partner answers: applied ones, by what the bank said, and the same answer again. */
export type PartnerAnswerOutcome = 'approved' | 'declined' | 'duplicate';

const legs = new Counter({ ...catalogued('kirim_bank_legs_total'), registers: [serviceMetrics] });

const partnerAnswers = new Counter({ ...catalogued('kirim_partner_bank_answers_total'), registers: [serviceMetrics] });

const partnerAnswerDurations = new Histogram({
  ...catalogued('kirim_partner_bank_answer_duration_seconds'),
  // From a bank answering at once to well past a partner's answer timeout (status checks follow it).
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60],
  registers: [serviceMetrics],
});

/** The transaction a leg or an answer is applied in: it is counted once that commits. */
type AppliedIn = Pick<TransactionScope, 'afterCommit'>;

export const bankLegMetrics = {
  /** A leg applied in `tx`: `bank` is its code when a connector answers for it, else UNKNOWN_BANK. */
  legApplied(tx: AppliedIn, bank: string, direction: LegDirection, outcome: BankLegOutcome['kind']): void {
    tx.afterCommit(() => legs.inc({ bank, direction, outcome }));
  },
  /** A partner's answer to a leg kirim forwarded to it (`bank` from kirim's record of the leg), with its latency when applied. */
  partnerAnswered(tx: AppliedIn, bank: string, direction: LegDirection, outcome: PartnerAnswerOutcome, seconds?: number): void {
    tx.afterCommit(() => {
      partnerAnswers.inc({ bank, direction, outcome });
      if (seconds !== undefined) partnerAnswerDurations.observe({ bank, direction }, seconds);
    });
  },
};
