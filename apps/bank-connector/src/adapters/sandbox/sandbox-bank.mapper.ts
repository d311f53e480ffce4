import type { BankLegCommand, BankLegOutcome, LegDirection } from '../../bank-legs/bank-adapter.port';
import type { SandboxLegInput, SandboxLegOutcome } from '../../sandbox-bank/sandbox-ledger.repository';

/** Contract-side leg -> the sandbox ledger's own input. */
export function toSandboxLeg(direction: LegDirection, leg: BankLegCommand): SandboxLegInput {
  return {
    requestId: leg.requestId,
    paymentId: leg.paymentId,
    purpose: leg.purpose,
    direction,
    bankCode: leg.bankCode,
    accountRef: leg.accountRef,
    amountMinor: leg.amount.minorUnits,
    currency: leg.amount.currency,
  };
}

/** The sandbox ledger's answer -> the contract-side outcome. A replayed answer is indistinguishable, by design. */
export function fromSandboxOutcome(outcome: SandboxLegOutcome): BankLegOutcome {
  if (outcome.approved) return { kind: 'approved', rrn: outcome.rrn };
  if ('refused' in outcome) return { kind: 'refused', reason: outcome.reason };
  return { kind: 'declined', resultCode: outcome.resultCode, reason: outcome.reason };
}
