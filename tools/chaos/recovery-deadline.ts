/**
 * "Final within 60 s of recovery", per payment: a payment must be final within the allowance of
 * its acceptance, or of the recovery from an outage that was under way at its acceptance or began
 * before it was due and before it was final. Each such outage moves its due time to that outage's
 * recovery plus the allowance; one that begins after the payment was due (or final) does not
 * excuse it.
 */

export interface Outage {
  /** Epoch ms: the disruption began (the kill, the stop). */
  readonly startedAt: number;
  /** Epoch ms: every service answered ready again. */
  readonly recoveredAt: number;
}

/** Epoch ms by which a payment accepted at `acceptedAt` (and final at `finalAt`, if it is) is due final. */
export function finalDueBy(acceptedAt: number, finalAt: number | undefined, outages: readonly Outage[], allowanceMs: number): number {
  let due = acceptedAt + allowanceMs;
  for (const outage of [...outages].sort((a, b) => a.startedAt - b.startedAt)) {
    if (outage.recoveredAt < acceptedAt) continue; // over before the payment existed
    if (outage.startedAt > due) break; // began after the payment was due: no excuse
    if (finalAt !== undefined && outage.startedAt >= finalAt) break; // began after it was final
    due = Math.max(due, outage.recoveredAt + allowanceMs);
  }
  return due;
}

export function finalInTime(acceptedAt: number, finalAt: number | undefined, outages: readonly Outage[], allowanceMs: number): boolean {
  return finalAt !== undefined && finalAt <= finalDueBy(acceptedAt, finalAt, outages, allowanceMs);
}
