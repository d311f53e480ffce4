/**
 * Load bench of the running local stack (scripts/stack.sh up), as an outside client:
 *
 *   npm run bench -- [--users 125] [--payments 2000] [--concurrency 64] [--rate N] [--smoke]
 *                    [--deadline-seconds 120] [--result-file F] [--until-stopped]
 *
 * That is the closed loop (below). With --duration it is an open loop instead (open-loop-bench.ts:
 * payments sent at --rate on schedule, a list of rates is a sweep, the PostgreSQL ceiling first), and
 * --ceiling-only measures the PostgreSQL ceiling alone (bench-options.ts says which flags go where).
 *
 * Seeds users with large sandbox balances at both banks (through the sandbox administration API on
 * bank-connector's own port, as an operator would: it is not on the edge), registers and links them
 * through the edge, then drives payments between them (load-driver.ts). Then:
 *
 * - waits until every accepted payment is final by the API (GET as its payer), up to the deadline
 *   after the last submission; the bench's Kafka consumer only says which ones to look at first;
 * - judges the run from the truth (run-verdict.ts): each payment's final status by the API against
 *   the sandbox bank's ledger legs, and money conserved across the ledger and the bench accounts;
 * - reports acceptance latency, completion latency (202 to the moment payments made it final) and
 *   throughput, plus when its consumer saw each final event; it never asserts a duration.
 *
 * Exit code 1 when the verdict fails or a payment never got an answer. The result (figures, verdict
 * and the run itself, without personal data) goes to .local/bench/last.json or --result-file.
 *
 * With --until-stopped (npm run chaos forks it so) it keeps submitting, paced by --rate and at most
 * --payments, until its parent says stop over IPC, and tells the parent when the load has started.
 */
import { performance } from 'node:perf_hooks';
import { Api } from '../../apps/e2e/src/support/api';
import { kirimHome } from '../../apps/e2e/src/support/config';
import { ClosedLoopOptions, parseBenchOptions } from './bench-options';
import { BenchToParent, isParentToBench } from './bench-ipc';
import { printBenchReport } from './bench-report';
import { BenchResult, RecordedPayment, writeBenchResult } from './bench-result';
import { CompletionWatch } from './completion-watch';
import { judgeAgainstLedger } from './judge-against-ledger';
import { LatencyRecorder } from './latency';
import { DrivenPayment, LoadDriver, seedUsers } from './load-driver';
import { runCeilingOnly, runOpenLoop } from './open-loop-bench';
import { PaymentStateReader, paymentGetThroughApi } from './payment-states';
import { isFinalStatus } from './run-verdict';
import { openingAccounts, readLedgerTotals } from './sandbox-ledger-reader';
import { errorText, sleep } from './task-pool';
import { SessionKeeper } from './user-sessions';
import { waitUntilFinal } from './wait-until-final';

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

function tellParent(message: BenchToParent): void {
  process.send?.(message);
}

/** How long one payment is sent again while the stack gives no answer (a restart takes far less). */
const ANSWER_PATIENCE_MS = 300_000;
/** After every payment is final, how long the consumer may take to see the last final events. */
const EVENT_GRACE_MS = 30_000;

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2), kirimHome());
  switch (options.mode) {
    case 'open-loop':
      return runOpenLoop(options);
    case 'ceiling-only':
      return runCeilingOnly(options);
    case 'closed-loop':
      return runClosedLoop(options);
    default:
      throw new Error(`unknown mode ${JSON.stringify(options satisfies never)}`);
  }
}

async function runClosedLoop(options: ClosedLoopOptions): Promise<number> {
  if (options.untilStopped && !process.send) throw new Error('--until-stopped needs a parent process to say when to stop (npm run chaos forks the bench with it)');
  const api = new Api();
  log(
    `edge ${api.baseUrl}; ${options.users} users, ${options.untilStopped ? 'up to ' : ''}${options.payments} payments, concurrency ${options.concurrency}${options.rate ? `, ${options.rate}/s` : ''}${options.smoke ? ' (smoke)' : ''}`,
  );

  // 1. Users: a sandbox account each (alternating banks, large balances), registered and linked.
  const setupStart = performance.now();
  const users = await seedUsers(api, options.users, options.seedParallelism, log);
  const accounts = await openingAccounts(users.map((user) => user.accountRef));
  const ledgerBefore = await readLedgerTotals(api);
  log(`seeded and linked ${users.length} users in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

  // 2. The consumer that times final events (latency only). Without it the run still has a verdict.
  let watch: CompletionWatch | undefined;
  let watchError: string | undefined;
  try {
    watch = await CompletionWatch.start(log);
  } catch (error) {
    watchError = `the completion watch did not start: ${errorText(error)}`;
    log(`${watchError}; completion is judged through the API alone`);
  }

  // 3. The load.
  const sessions = new SessionKeeper(api, users);
  let stopRequested = false;
  if (options.untilStopped) {
    process.on('message', (message) => {
      if (isParentToBench(message)) {
        stopRequested = true;
        log('told to stop submitting');
      }
    });
  }
  const accepted: DrivenPayment[] = [];
  const driver = new LoadDriver(api, sessions, users, (payment) => accepted.push(payment), log);
  const progress = setInterval(() => log(`accepted ${accepted.length}; final events seen ${watch?.stats.finalEventsSeen ?? 'n/a'}`), 5000);
  let load;
  try {
    tellParent({ type: 'load-started', users: users.length });
    load = await driver.run({
      maxPayments: options.payments,
      concurrency: options.concurrency,
      ratePerSecond: options.rate,
      shouldStop: () => stopRequested,
      answerPatienceMs: ANSWER_PATIENCE_MS,
    });
  } finally {
    clearInterval(progress);
  }
  tellParent({ type: 'submission-ended', accepted: load.accepted.length });
  if (options.untilStopped && !stopRequested) log(`the payer budget (--payments ${options.payments}) ran out before the parent said stop`);
  log(`submitted ${load.submitted} payments in ${load.submissionSeconds.toFixed(1)} s; waiting up to ${options.deadlineSeconds} s for every accepted one to be final`);

  // 4. Every accepted payment's state, by the API, until all are final or the deadline passes.
  const reader = new PaymentStateReader(sessions, paymentGetThroughApi(api));
  const states = await waitUntilFinal(load.accepted, reader, watch, Date.now() + options.deadlineSeconds * 1000, { parallelism: 8, log });
  if (watch) {
    const graceEnd = Date.now() + EVENT_GRACE_MS;
    while (Date.now() < graceEnd && load.accepted.some((p) => isFinalStatus(states.get(p.paymentId)?.status) && watch?.finalSeenAt(p.paymentId) === undefined)) await sleep(250);
    await watch.stop();
  }

  // 5. The verdict, from the API's states and the ledger.
  const verdict = await judgeAgainstLedger(api, { accounts, payments: load.accepted, states, ledgerBefore }, { log });

  const completion = new LatencyRecorder();
  const finalEvent = new LatencyRecorder();
  let lastCompletionAt = 0;
  let completed = 0;
  for (const payment of load.accepted) {
    const state = states.get(payment.paymentId);
    if (state?.finalAt !== undefined) completion.recordMs(state.finalAt - payment.acceptedAt);
    if (state?.status === 'completed' && state.finalAt !== undefined) {
      completed++;
      lastCompletionAt = Math.max(lastCompletionAt, state.finalAt);
    }
    const seenAt = watch?.finalSeenAt(payment.paymentId);
    if (seenAt !== undefined) finalEvent.recordMs(seenAt - payment.acceptedPerfAt);
  }
  const wallSeconds = completed > 0 && load.firstAcceptedAt !== undefined ? (lastCompletionAt - load.firstAcceptedAt) / 1000 : 0;

  const result: BenchResult = {
    finishedAt: new Date().toISOString(),
    edge: api.baseUrl,
    options: optionsForRecord(options),
    load: {
      submitted: load.submitted,
      accepted: load.accepted.length,
      refusals: load.refusals,
      unanswered: load.unanswered,
      resent: load.resent,
      sessionsRefreshed: sessions.stats.refreshed,
      usersRebound: sessions.stats.rebound,
      submissionSeconds: Math.round(load.submissionSeconds * 1000) / 1000,
    },
    completedPerSecond: wallSeconds > 0 ? Math.round((completed / wallSeconds) * 100) / 100 : 0,
    wallSecondsFirstAcceptanceToLastCompletion: Math.round(wallSeconds * 1000) / 1000,
    acceptanceLatency: load.acceptanceLatency,
    completionLatency: completion.summary(),
    finalEventLatency: finalEvent.summary(),
    completionWatch: { ...(watch?.stats ?? { finalEventsSeen: 0, crashes: 0, replacedConsumers: 0 }), ...(watchError ? { error: watchError } : {}) },
    verdict,
    run: {
      accounts: accounts.map((account) => ({ accountRef: account.accountRef, openingMinor: account.openingMinor.toString() })),
      payments: load.accepted.map((payment): RecordedPayment => {
        const seenWallAt = watch?.finalSeenWallAt(payment.paymentId);
        return {
          paymentId: payment.paymentId,
          payerUserId: payment.payerUserId,
          payerAccountRef: payment.payerAccountRef,
          payeeAccountRef: payment.payeeAccountRef,
          amountMinor: payment.amountMinor.toString(),
          acceptedAt: payment.acceptedAt,
          state: states.get(payment.paymentId) ?? { paymentId: payment.paymentId, status: null },
          ...(seenWallAt !== undefined ? { finalEventSeenAt: seenWallAt } : {}),
        };
      }),
    },
  };
  writeBenchResult(options.resultFile, result);
  printBenchReport(result);
  log(`result written to ${options.resultFile}`);

  if (load.unanswered > 0) log(`FAIL: ${load.unanswered} payment(s) never got an answer within ${ANSWER_PATIENCE_MS / 1000} s of retrying`);
  if (!verdict.ok) log(`FAIL: ${verdict.failures.join('; ')}`);
  return verdict.ok && load.unanswered === 0 ? 0 : 1;
}

function optionsForRecord(options: ClosedLoopOptions): Record<string, unknown> {
  return { ...options, rate: options.rate ?? null };
}

main().then(
  (code) => {
    process.exitCode = code;
    // A forked bench keeps its IPC channel open, which would keep the process alive.
    if (process.send) process.disconnect();
  },
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
    if (process.send) process.disconnect();
  },
);
