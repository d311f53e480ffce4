import type { LegRequest } from '../requests/partner-request';
import type { LegDecision, PartnerBankPort } from './partner-bank.port';

export type LegOutcome =
  /** `repeated`: the requestId was answered before; this is the recorded answer, and nothing moved now. */
  | { readonly kind: 'answer'; readonly decision: LegDecision; readonly repeated: boolean }
  /** The requestId was answered before for other content: refused, and never answered. */
  | { readonly kind: 'conflict'; readonly reason: string };

/** Attempts of a leg's transaction: a unique-key race on a requestId resolves on the second. */
const MAX_ATTEMPTS = 3;

/**
 * At most one movement per requestId, the same answer for the same request, and a refusal for the
 * same requestId with other content: the kit's rule, in the bank's transaction (see PartnerBankPort).
 */
export async function applyLegOnce<Tx>(bank: PartnerBankPort<Tx>, leg: LegRequest): Promise<LegOutcome> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    try {
      return await bank.inTransaction(async (tx): Promise<LegOutcome> => {
        const recorded = await bank.findRecordedLeg(tx, leg.requestId);
        if (recorded) {
          if (recorded.fingerprint !== leg.fingerprint) {
            return {
              kind: 'conflict',
              reason: `requestId ${leg.requestId} was already answered for other content (its amount, account, direction, payment, purpose or txnId differ): a reused requestId is refused, never answered`,
            };
          }
          return { kind: 'answer', decision: recorded.decision, repeated: true };
        }
        const decision = await bank.applyLeg(tx, leg);
        await bank.recordLeg(tx, leg, decision);
        return { kind: 'answer', decision, repeated: false };
      });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
