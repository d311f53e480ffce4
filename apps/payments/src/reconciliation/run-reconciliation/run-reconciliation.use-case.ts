import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, IdGenerator, raiseAlert } from '@kirim/platform';
import { BankLegStatuses } from '../bank-leg-statuses';
import { findMismatches, legsToAsk } from '../leg-comparison';
import type { ReconciliationPolicy } from '../reconciliation.config';
import { ReconciliationPayments } from '../reconciliation-payments.repository';
import { ReconciliationRun, ReconciliationRuns, ReconciliationTrigger } from '../reconciliation-runs.repository';

/** Injection token of the ReconciliationPolicy (ReconciliationConfig). */
export const RECONCILIATION_POLICY = Symbol('RECONCILIATION_POLICY');

/** A run still marked running after this long was abandoned by a process that stopped. */
export const ABANDONED_RUN_AFTER_MS = 30 * 60_000;

export type RunReconciliationCommand =
  | { readonly trigger: 'schedule' }
  /** `graceMs`: an operator's narrower grace period for this run (e.g. 0 to look at a payment that just ended). */
  | { readonly trigger: 'operator'; readonly operator: string; readonly graceMs?: number };

export type RunReconciliationOutcome =
  /** The run finished (completed or failed): its report. */
  | { readonly kind: 'ran'; readonly run: ReconciliationRun }
  | { readonly kind: 'already-running'; readonly runningRunId: string }
  /** A scheduled run found one started less than an interval ago (another replica's). */
  | { readonly kind: 'not-due' };

/**
 * One reconciliation run (docs/operations.md): the payments with legs that are not final, and the
 * final ones updated within the lookback, none updated within the grace period (their answers may be
 * in flight), and a leg still awaited only once its status checks are over (the pending grace); what
 * the banks did with each of those legs (bank-connector); every disagreement
 * stored with the run and raised as an alert. It changes no payment: an operator decides.
 *
 * One run at a time across replicas (ReconciliationRuns.start). A failure to get the banks' answers
 * fails the run, with its reason, and is an alert too.
 */
@Injectable()
export class RunReconciliation {
  private readonly logger = new Logger(RunReconciliation.name);

  constructor(
    private readonly payments: ReconciliationPayments,
    private readonly banks: BankLegStatuses,
    private readonly runs: ReconciliationRuns,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(RECONCILIATION_POLICY) private readonly policy: ReconciliationPolicy,
  ) {}

  async execute(command: RunReconciliationCommand): Promise<RunReconciliationOutcome> {
    const now = this.clock.now();
    if (command.trigger === 'schedule') {
      const latest = await this.runs.latest();
      // Every replica ticks; the first one in an interval runs, the others find it and wait for the next.
      if (latest && now.getTime() - latest.startedAt.getTime() < this.policy.intervalMs * 0.9) return { kind: 'not-due' };
    }
    const runId = this.ids.uuid();
    const trigger: ReconciliationTrigger = command.trigger;
    const requestedBy = command.trigger === 'operator' ? command.operator : null;
    const started = await this.runs.start({ runId, trigger, requestedBy, startedAt: now, abandonedBefore: new Date(now.getTime() - ABANDONED_RUN_AFTER_MS) });
    if (!started.started) return { kind: 'already-running', runningRunId: started.runningRunId };
    this.logger.log({ runId, trigger, requestedBy }, 'reconciliation started');

    let paymentsChecked = 0;
    let legsChecked = 0;
    try {
      const payments = await this.payments.paymentsToReconcile({
        updatedBefore: new Date(now.getTime() - (command.trigger === 'operator' ? (command.graceMs ?? this.policy.graceMs) : this.policy.graceMs)),
        finalUpdatedSince: new Date(now.getTime() - this.policy.lookbackMs),
        limit: this.policy.maxPayments,
      });
      const legs = legsToAsk(payments, now, this.policy.pendingGraceMs);
      paymentsChecked = payments.length;
      legsChecked = legs.length;
      const answer = legs.length === 0 ? { ok: true as const, legs: [], unaskedLegs: [] } : await this.banks.reportsFor(legs);
      if (!answer.ok) return await this.failed(runId, { paymentsChecked, legsChecked, reason: `the banks' answers could not be had: ${answer.reason}` });

      const mismatches = findMismatches(payments, legs, answer.legs, answer.unaskedLegs);
      await this.runs.complete(runId, { finishedAt: this.clock.now(), paymentsChecked, legsChecked, mismatches });
      for (const mismatch of mismatches) {
        raiseAlert(this.logger, 'reconciliation-mismatch', { runId, paymentId: mismatch.paymentId, requestId: mismatch.requestId, leg: mismatch.leg, kind: mismatch.kind }, mismatch.detail);
      }
      this.logger.log({ runId, paymentsChecked, legsChecked, mismatches: mismatches.length }, 'reconciliation completed');
      return { kind: 'ran', run: await this.stored(runId) };
    } catch (error) {
      // An outage or a bug: the run is recorded as failed with the error's name and message only.
      return this.failed(runId, { paymentsChecked, legsChecked, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }

  private async failed(runId: string, result: { paymentsChecked: number; legsChecked: number; reason: string }): Promise<RunReconciliationOutcome> {
    await this.runs.fail(runId, { finishedAt: this.clock.now(), ...result });
    raiseAlert(this.logger, 'reconciliation-failed', { runId }, `reconciliation run failed: ${result.reason}`);
    return { kind: 'ran', run: await this.stored(runId) };
  }

  private async stored(runId: string): Promise<ReconciliationRun> {
    const run = await this.runs.find(runId);
    if (!run) throw new Error(`reconciliation run ${runId} vanished`);
    return run;
  }
}
