import { Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { ALL_RESULT_CODES, PaymentStatus } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { catalogued, readWithStatementTimeout, ScrapeTimeRead, serviceMetrics } from '@kirim/platform';
import { paymentKind } from './payment';
import type { PaymentEventKind } from './payment-state-machine';
import type { StepAccepted } from './payment-transition-step';

/**
 * payments' metrics (docs/metrics.md), served on its `/metrics` with the rest (serviceMetrics):
 * outcomes and leg latencies of each change PaymentTransitionStep stores, counted once its
 * transaction has committed (a transaction rolled back and retried counts once), and the status
 * checks and reversals waiting, read from the database when Prometheus scrapes.
 */

export type PaymentOutcome = 'completed' | 'failed' | 'reversed';
export type AnsweredLeg = 'debit' | 'credit' | 'reversal';
export type LegAnswer = 'succeeded' | 'declined';

const outcomes = new Counter({ ...catalogued('kirim_payment_outcomes_total'), registers: [serviceMetrics] });

const legDurations = new Histogram({
  ...catalogued('kirim_payment_leg_duration_seconds'),
  // From a sandbox answer in the same process (a few ms) to the scheme profile's 15 s leg timeout
  // and past it, for an answer that comes after status checks.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
  registers: [serviceMetrics],
});

const KNOWN_RESULT_CODES: ReadonlySet<string> = new Set(ALL_RESULT_CODES);

/** A result code as a label: one kirim knows as it is, anything else `other` (a bank may send anything), none `none`. */
export function resultCodeLabel(code: string | null): string {
  if (code === null) return 'none';
  return KNOWN_RESULT_CODES.has(code) ? code : 'other';
}

/** The outcome a payment entering `status` has reached; null for a state that is not final. */
export function outcomeOf(status: PaymentStatus): PaymentOutcome | null {
  switch (status) {
    case 'completed':
      return 'completed';
    case 'debit_failed':
      return 'failed';
    case 'reversed':
      return 'reversed';
    case 'created':
    case 'debit_pending':
    case 'debited':
    case 'credit_pending':
    case 'credit_failed':
    case 'reversal_pending':
    case 'reversal_failed':
      return null;
  }
}

/** The bank answers among payment events: which leg they answer and the state that leg was pending in. */
const LEG_ANSWERS: Partial<Record<PaymentEventKind, { readonly leg: AnsweredLeg; readonly answer: LegAnswer; readonly pendingIn: PaymentStatus }>> = {
  'debit-succeeded': { leg: 'debit', answer: 'succeeded', pendingIn: 'debit_pending' },
  'debit-declined': { leg: 'debit', answer: 'declined', pendingIn: 'debit_pending' },
  'credit-succeeded': { leg: 'credit', answer: 'succeeded', pendingIn: 'credit_pending' },
  'credit-declined': { leg: 'credit', answer: 'declined', pendingIn: 'credit_pending' },
  'reversal-succeeded': { leg: 'reversal', answer: 'succeeded', pendingIn: 'reversal_pending' },
  'reversal-declined': { leg: 'reversal', answer: 'declined', pendingIn: 'reversal_pending' },
};

/**
 * The leg a step answered and how long after its request, or null. Only an answer to the leg the
 * payment was waiting for counts: a late answer to a leg whose outcome was deemed is not a
 * latency. The request time is when the payment entered the pending state (`updatedAt`, which
 * status checks leave alone).
 */
export function answeredLegOf(step: Pick<StepAccepted, 'before' | 'trigger'>): { readonly leg: AnsweredLeg; readonly answer: LegAnswer; readonly seconds: number } | null {
  const known = LEG_ANSWERS[step.trigger.kind];
  if (!known || step.before === null || step.before.status !== known.pendingIn) return null;
  return { leg: known.leg, answer: known.answer, seconds: Math.max(0, step.trigger.at.getTime() - step.before.updatedAt.getTime()) / 1000 };
}

/**
 * Counts what a step stored in `tx` did (a payment reaching a final state, a leg answered) once
 * `tx` has committed; a step that did neither asks nothing of the transaction.
 */
export function recordPaymentStep(tx: Pick<TransactionScope, 'afterCommit'>, step: Pick<StepAccepted, 'before' | 'payment' | 'trigger'>): void {
  const answered = answeredLegOf(step);
  const outcome = outcomeOf(step.payment.status);
  const reached = outcome !== null && step.before?.status !== step.payment.status
    ? { outcome, result_code: resultCodeLabel(step.payment.resultCode), kind: paymentKind(step.payment) }
    : null;
  if (answered === null && reached === null) return;
  tx.afterCommit(() => {
    if (answered) legDurations.observe({ leg: answered.leg, outcome: answered.answer }, answered.seconds);
    if (reached) outcomes.inc(reached);
  });
}

/** What waits on banks or on an operator, as a scrape sees it. */
export interface PaymentBacklog {
  /** Payments whose pending leg is unanswered after at least one status check. */
  readonly statusChecksPending: Readonly<Record<AnsweredLeg, number>>;
  readonly reversalsPending: Readonly<Record<ReversalState, number>>;
}

export type ReversalState = 'in_flight' | 'retry_scheduled' | 'needs_operator';

const LEGS: readonly AnsweredLeg[] = ['debit', 'credit', 'reversal'];
const REVERSAL_STATES: readonly ReversalState[] = ['in_flight', 'retry_scheduled', 'needs_operator'];

/** A scrape waits this long for the database, then goes on with NaN for these gauges. */
const SCRAPE_READ_TIMEOUT_MS = 2_000;

/**
 * One statement over the payments that have a timer (the partial index payments_leg_check_at_idx:
 * pending legs and scheduled reversal retries, so the payments in flight, never the history) and
 * the failed reversals out of retries (payments_needs_operator_idx).
 */
export const PAYMENT_BACKLOG_SQL = `SELECT count(*) FILTER (WHERE status = 'debit_pending' AND leg_checks > 0)::int AS debit_checked,
       count(*) FILTER (WHERE status = 'credit_pending' AND leg_checks > 0)::int AS credit_checked,
       count(*) FILTER (WHERE status = 'reversal_pending' AND leg_checks > 0)::int AS reversal_checked,
       count(*) FILTER (WHERE status = 'reversal_pending')::int AS reversals_in_flight,
       count(*) FILTER (WHERE status = 'reversal_failed')::int AS reversals_retry_scheduled,
       (SELECT count(*)::int FROM payments WHERE status = 'reversal_failed' AND leg_check_at IS NULL) AS reversals_needing_operator
  FROM payments
 WHERE leg_check_at IS NOT NULL`;

export async function readPaymentBacklog(dataSource: DataSource, timeoutMs: number = SCRAPE_READ_TIMEOUT_MS): Promise<PaymentBacklog> {
  const [row] = await readWithStatementTimeout(dataSource, timeoutMs, (manager): Promise<Record<string, number>[]> => manager.query(PAYMENT_BACKLOG_SQL));
  return {
    statusChecksPending: { debit: row.debit_checked, credit: row.credit_checked, reversal: row.reversal_checked },
    reversalsPending: { in_flight: row.reversals_in_flight, retry_scheduled: row.reversals_retry_scheduled, needs_operator: row.reversals_needing_operator },
  };
}

let backlogRead: ScrapeTimeRead<PaymentBacklog> | undefined;

async function currentBacklog(): Promise<PaymentBacklog | null> {
  return backlogRead ? backlogRead.get() : null;
}

new Gauge({
  ...catalogued('kirim_payment_status_checks_pending'),
  registers: [serviceMetrics],
  async collect() {
    const backlog = await currentBacklog();
    for (const leg of LEGS) this.set({ leg }, backlog === null ? Number.NaN : backlog.statusChecksPending[leg]);
  },
});

new Gauge({
  ...catalogued('kirim_payment_reversals_pending'),
  registers: [serviceMetrics],
  async collect() {
    const backlog = await currentBacklog();
    for (const state of REVERSAL_STATES) this.set({ state }, backlog === null ? Number.NaN : backlog.reversalsPending[state]);
  },
});

/** Points the backlog gauges at payments' database once Nest has it (until then they show NaN). */
@Injectable()
export class PaymentBacklogGauges implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    backlogRead = new ScrapeTimeRead(() => readPaymentBacklog(this.dataSource), { name: 'payment backlog', timeoutMs: SCRAPE_READ_TIMEOUT_MS + 500 });
  }
}
