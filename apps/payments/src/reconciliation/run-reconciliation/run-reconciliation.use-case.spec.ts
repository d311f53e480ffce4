import { Logger } from '@nestjs/common';
import { BankLegReport, Money } from '@kirim/contracts';
import { alertCount } from '@kirim/platform';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { BankLegStatuses, BankLegStatusesResult } from '../bank-leg-statuses';
import type { ExpectedLeg, MismatchFinding, ReconciledPayment } from '../leg-comparison';
import { PaymentsToReconcileQuery, ReconciliationPayments } from '../reconciliation-payments.repository';
import { MismatchPageQuery, NewRun, ReconciliationRun, ReconciliationRuns, StoredMismatch } from '../reconciliation-runs.repository';
import { RunReconciliation } from './run-reconciliation.use-case';

const PAYMENT: ReconciledPayment = {
  paymentId: '44444444-4444-4444-8444-444444444444',
  status: 'completed',
  amount: Money.ofMinor(50_000n, 'INR'),
  payer: { bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' },
  payee: { bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' },
  debitRequestId: '11111111-1111-4111-8111-111111111111',
  creditRequestId: '22222222-2222-4222-8222-222222222222',
  reversalRequestId: null,
  legPurpose: 'payment',
  updatedAt: new Date('2026-11-28T08:00:00.000Z'),
};

class ListedPayments extends ReconciliationPayments {
  queries: PaymentsToReconcileQuery[] = [];
  constructor(public payments: ReconciledPayment[]) {
    super();
  }
  async paymentsToReconcile(query: PaymentsToReconcileQuery): Promise<ReconciledPayment[]> {
    this.queries.push(query);
    return this.payments;
  }
}

class ScriptedBanks extends BankLegStatuses {
  asked: ExpectedLeg[][] = [];
  constructor(public answer: (legs: readonly ExpectedLeg[]) => BankLegStatusesResult) {
    super();
  }
  async reportsFor(legs: readonly ExpectedLeg[]): Promise<BankLegStatusesResult> {
    this.asked.push([...legs]);
    return this.answer(legs);
  }
}

class InMemoryRuns extends ReconciliationRuns {
  readonly runs = new Map<string, ReconciliationRun>();
  readonly stored = new Map<string, MismatchFinding[]>();

  async start(run: NewRun): Promise<{ readonly started: true } | { readonly started: false; readonly runningRunId: string }> {
    const running = [...this.runs.values()].find((candidate) => candidate.status === 'running');
    if (running) return { started: false, runningRunId: running.runId };
    this.runs.set(run.runId, { runId: run.runId, trigger: run.trigger, requestedBy: run.requestedBy, status: 'running', startedAt: run.startedAt, finishedAt: null, paymentsChecked: 0, legsChecked: 0, mismatches: 0, mismatchesByKind: [], failureReason: null });
    return { started: true };
  }
  async complete(runId: string, result: Parameters<ReconciliationRuns['complete']>[1]): Promise<void> {
    const run = this.runs.get(runId) as ReconciliationRun;
    this.stored.set(runId, [...result.mismatches]);
    this.runs.set(runId, { ...run, status: 'completed', finishedAt: result.finishedAt, paymentsChecked: result.paymentsChecked, legsChecked: result.legsChecked, mismatches: result.mismatches.length });
  }
  async fail(runId: string, result: Parameters<ReconciliationRuns['fail']>[1]): Promise<void> {
    const run = this.runs.get(runId) as ReconciliationRun;
    this.runs.set(runId, { ...run, status: 'failed', finishedAt: result.finishedAt, paymentsChecked: result.paymentsChecked, legsChecked: result.legsChecked, failureReason: result.reason });
  }
  async find(runId: string): Promise<ReconciliationRun | null> {
    return this.runs.get(runId) ?? null;
  }
  async latest(): Promise<ReconciliationRun | null> {
    return [...this.runs.values()].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0] ?? null;
  }
  async mismatches(_query: MismatchPageQuery): Promise<StoredMismatch[]> {
    return [];
  }
}

const agreeing = (legs: readonly ExpectedLeg[]): BankLegStatusesResult => ({
  ok: true,
  unaskedLegs: [],
  legs: legs.map(
    (leg): BankLegReport => ({
      requestId: leg.requestId,
      paymentId: leg.paymentId,
      state: 'applied',
      source: 'sandbox-ledger',
      recorded: { purpose: leg.purpose, direction: leg.direction, bankCode: leg.bankCode, accountRef: leg.accountRef, amount: leg.amount.toDto() },
      statusRequested: false,
    }),
  ),
});

describe('RunReconciliation', () => {
  const policy = { intervalMs: 300_000, lookbackMs: 86_400_000, graceMs: 900_000, pendingGraceMs: 10_800_000, maxPayments: 100 };
  let clock: FixedClock;
  let payments: ListedPayments;
  let banks: ScriptedBanks;
  let runs: InMemoryRuns;
  let reconcile: RunReconciliation;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    clock = new FixedClock(new Date('2026-11-28T10:00:00.000Z'));
    payments = new ListedPayments([PAYMENT]);
    banks = new ScriptedBanks(agreeing);
    runs = new InMemoryRuns();
    reconcile = new RunReconciliation(payments, banks, runs, clock, new SequentialIds(), policy);
  });

  it('reads payments outside the grace period and final ones within the lookback, and completes with no mismatch when the banks agree', async () => {
    const outcome = await reconcile.execute({ trigger: 'operator', operator: 'alice' });
    expect(outcome).toMatchObject({ kind: 'ran', run: { status: 'completed', trigger: 'operator', requestedBy: 'alice', paymentsChecked: 1, legsChecked: 2, mismatches: 0 } });
    expect(payments.queries).toEqual([{ updatedBefore: new Date('2026-11-28T09:45:00.000Z'), finalUpdatedSince: new Date('2026-11-27T10:00:00.000Z'), limit: 100 }]);
    expect(banks.asked[0].map((leg) => leg.requestId)).toEqual([PAYMENT.debitRequestId, PAYMENT.creditRequestId]);
  });

  it('stores each mismatch with the run and raises an alert for it', async () => {
    banks.answer = (legs) => {
      const answer = agreeing(legs);
      if (!answer.ok) return answer;
      return { ...answer, legs: answer.legs.map((report) => (report.requestId === PAYMENT.creditRequestId ? { ...report, state: 'not-found', recorded: undefined, source: 'none' } : report)) };
    };
    const alertsBefore = await alertCount('reconciliation-mismatch');
    const outcome = await reconcile.execute({ trigger: 'schedule' });
    if (outcome.kind !== 'ran') throw new Error(outcome.kind);
    expect(outcome.run).toMatchObject({ status: 'completed', mismatches: 1 });
    expect(runs.stored.get(outcome.run.runId)).toEqual([expect.objectContaining({ kind: 'counted-not-applied', requestId: PAYMENT.creditRequestId })]);
    expect(await alertCount('reconciliation-mismatch')).toBe(alertsBefore + 1);
  });

  it('fails the run with the reason, and alerts, when the banks cannot be asked', async () => {
    banks.answer = () => ({ ok: false, reason: 'bank-connector unreachable (TypeError)' });
    const alertsBefore = await alertCount('reconciliation-failed');
    const outcome = await reconcile.execute({ trigger: 'operator', operator: 'alice' });
    expect(outcome).toMatchObject({ kind: 'ran', run: { status: 'failed', failureReason: "the banks' answers could not be had: bank-connector unreachable (TypeError)", legsChecked: 2 } });
    expect(await alertCount('reconciliation-failed')).toBe(alertsBefore + 1);
  });

  it('records an unexpected error as a failed run rather than leaving it running', async () => {
    payments.paymentsToReconcile = async () => {
      throw new Error('connection terminated');
    };
    const outcome = await reconcile.execute({ trigger: 'operator', operator: 'alice' });
    expect(outcome).toMatchObject({ kind: 'ran', run: { status: 'failed', failureReason: 'Error: connection terminated' } });
    // The next run can start.
    expect((await reconcile.execute({ trigger: 'operator', operator: 'alice' })).kind).toBe('ran');
  });

  it('does not start a second run while one is running', async () => {
    await runs.start({ runId: 'r-1', trigger: 'schedule', requestedBy: null, startedAt: clock.now(), abandonedBefore: clock.now() });
    expect(await reconcile.execute({ trigger: 'operator', operator: 'alice' })).toEqual({ kind: 'already-running', runningRunId: 'r-1' });
  });

  it('skips a scheduled run when one started less than an interval ago (another replica ran it)', async () => {
    await reconcile.execute({ trigger: 'schedule' });
    clock.current = new Date(clock.current.getTime() + 60_000);
    expect(await reconcile.execute({ trigger: 'schedule' })).toEqual({ kind: 'not-due' });
    // An operator's run is never skipped.
    expect((await reconcile.execute({ trigger: 'operator', operator: 'bob' })).kind).toBe('ran');
    clock.current = new Date(clock.current.getTime() + 300_000);
    expect((await reconcile.execute({ trigger: 'schedule' })).kind).toBe('ran');
  });
});
