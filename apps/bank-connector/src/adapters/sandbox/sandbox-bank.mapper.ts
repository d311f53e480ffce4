import type { BankLegCommand, BankLegOutcome, LegDirection } from '../../bank-legs/bank-adapter.port';
import type { SandboxLegInput, SandboxLegOutcome } from '../../sandbox-bank/sandbox-ledger';

/** Contract-side leg -> the sandbox ledger's own input. Partner adapters have a mapper like this for their format. */
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
  return outcome.approved
    ? { approved: true, rrn: outcome.rrn }
    : { approved: false, resultCode: outcome.resultCode, reason: outcome.reason };
}
