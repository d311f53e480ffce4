import { CompletionWatch } from './completion-watch';
import { PaymentStateReader } from './payment-states';
import { AcceptedPayment, isFinalStatus, PaymentState } from './run-verdict';
import { pool, sleep } from './task-pool';

/**
 * Polls the API for the payments not yet known final: those whose final event the consumer saw
 * every second (they are final: one read confirms it), all of them every `fullSweepEveryMs` (the
 * consumer may have missed some, or be gone; without a consumer, every second). A final state never
 * changes, so each is read once it is final. `parallelism` reads at a time.
 */
export async function waitUntilFinal(
  payments: readonly AcceptedPayment[],
  reader: PaymentStateReader,
  watch: CompletionWatch | undefined,
  deadlineAt: number,
  { parallelism, fullSweepEveryMs = 5000, log }: { readonly parallelism: number; readonly fullSweepEveryMs?: number; readonly log: (message: string) => void },
): Promise<Map<string, PaymentState>> {
  const states = new Map<string, PaymentState>();
  let lastFullSweepAt = watch ? Date.now() : 0;
  for (;;) {
    const pending = payments.filter((payment) => !isFinalStatus(states.get(payment.paymentId)?.status));
    if (pending.length === 0) return states;
    const fullSweep = Date.now() - lastFullSweepAt >= fullSweepEveryMs || Date.now() >= deadlineAt;
    if (fullSweep) lastFullSweepAt = Date.now();
    const toRead = fullSweep ? pending : pending.filter((payment) => watch?.finalSeenAt(payment.paymentId) !== undefined);
    await pool(toRead, parallelism, async (payment) => {
      const state = await reader.read(payment, 0); // one attempt: the loop comes back
      if (state.status !== null || !states.has(payment.paymentId)) states.set(payment.paymentId, state);
    });
    if (Date.now() >= deadlineAt) {
      const still = payments.filter((payment) => !isFinalStatus(states.get(payment.paymentId)?.status)).length;
      if (still > 0) log(`${still} accepted payment(s) not final at the deadline`);
      return states;
    }
    await sleep(1000);
  }
}

/** How long without a new final event before untilEventsSayFinal stops waiting for the rest. */
export const EVENTS_STALL_MS = 10_000;

/**
 * Resolves once `watch` has seen every payment's final event; or when none came for `stallMs` while
 * some are still missing (the watch may have missed them: the API sweep finds them), or at the
 * deadline. The bench measures the stack's cost up to here, before it reads any state through the
 * API, so its own reads are not counted as the payments' cost.
 */
export async function untilEventsSayFinal(
  payments: readonly AcceptedPayment[],
  watch: Pick<CompletionWatch, 'finalSeenAt'>,
  deadlineAt: number,
  { stallMs = EVENTS_STALL_MS, pollMs = 100, now = Date.now }: { readonly stallMs?: number; readonly pollMs?: number; readonly now?: () => number } = {},
): Promise<'all-seen' | 'stalled' | 'deadline'> {
  let seen = -1;
  let lastProgressAt = now();
  for (;;) {
    const count = payments.filter((payment) => watch.finalSeenAt(payment.paymentId) !== undefined).length;
    if (count === payments.length) return 'all-seen';
    if (count !== seen) {
      seen = count;
      lastProgressAt = now();
    }
    if (now() >= deadlineAt) return 'deadline';
    if (now() - lastProgressAt >= stallMs) return 'stalled';
    await sleep(pollMs);
  }
}
