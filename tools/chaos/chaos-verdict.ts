import { AcceptedPayment, PaymentState, RunVerdict } from '../bench/run-verdict';
import { finalDueBy, Outage } from './recovery-deadline';

/** The bar: every accepted payment final within 60 s of the stack's recovery. */
export const FINAL_WITHIN_MS = 60_000;

export interface FinalWithinRecovery {
  readonly allowanceSeconds: number;
  readonly accepted: number;
  readonly inTime: number;
  /** inTime / accepted, in percent, one decimal. */
  readonly percent: number;
  /** Up to 20 payments that were late or never final. */
  readonly late: readonly { readonly paymentId: string; readonly status: string | null; readonly acceptedAt: string; readonly finalAt: string | null; readonly dueBy: string }[];
}

export function finalWithinRecovery(payments: readonly AcceptedPayment[], states: ReadonlyMap<string, PaymentState>, outages: readonly Outage[]): FinalWithinRecovery {
  let inTime = 0;
  const late: FinalWithinRecovery['late'][number][] = [];
  for (const payment of payments) {
    const state = states.get(payment.paymentId);
    const finalAt = state?.finalAt;
    const dueBy = finalDueBy(payment.acceptedAt, finalAt, outages, FINAL_WITHIN_MS);
    if (finalAt !== undefined && finalAt <= dueBy) {
      inTime++;
    } else if (late.length < 20) {
      late.push({
        paymentId: payment.paymentId,
        status: state?.status ?? null,
        acceptedAt: new Date(payment.acceptedAt).toISOString(),
        finalAt: finalAt !== undefined ? new Date(finalAt).toISOString() : null,
        dueBy: new Date(dueBy).toISOString(),
      });
    }
  }
  const percent = payments.length === 0 ? 0 : Math.floor((inTime / payments.length) * 1000) / 10;
  return { allowanceSeconds: FINAL_WITHIN_MS / 1000, accepted: payments.length, inTime, percent, late };
}

/** Where the bench's verdict and the chaos run's (a later read of the same ledger) differ; empty when they agree. */
export function verdictDifferences(bench: RunVerdict, chaos: RunVerdict): string[] {
  const fields = ['ok', 'accepted', 'settled', 'lost', 'notFinal', 'ledgerDisagrees', 'movedTwice', 'strangerPayments', 'balanceMismatches'] as const;
  const differences: string[] = fields.filter((field) => bench[field] !== chaos[field]).map((field) => `${field}: bench ${String(bench[field])}, chaos ${String(chaos[field])}`);
  // While payments are unfinished the ledger moves on between the two reads; the totals can only
  // be compared once every payment is final.
  const sides = bench.notFinal === 0 && chaos.notFinal === 0 ? (['before', 'after'] as const) : (['before'] as const);
  for (const side of sides) {
    const a = JSON.stringify(bench.ledger[side]);
    const b = JSON.stringify(chaos.ledger[side]);
    if (a !== b) differences.push(`ledger ${side}: bench ${a}, chaos ${b}`);
  }
  return differences;
}
