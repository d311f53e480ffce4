/**
 * Chaos run of the local stack under load from the bench:
 *
 *   bash scripts/stack.sh up && npm run chaos -- [--short] [--disruptions ...] [--users 150] [--rate 4] ...
 *
 * Forks `tools/bench/bench.ts --until-stopped` (the load: users paying each other at --rate per
 * second) and, while it runs, one at a time with a calm spell of load between them: SIGKILL
 * payments, bank-connector, identity and notifications (each restarted with scripts/stack.sh up),
 * SIGKILL the broker (restarted with kafka.sh start), stop and start PostgreSQL
 * (stack-disruptions.ts). Each waits until every service answers ready again: its recovery.
 *
 * Then it tells the bench to stop submitting; the bench waits for every accepted payment to be
 * final, judges the run (run-verdict.ts) and writes its result. The chaos run reads that result,
 * judges the same run again against a fresh read of the ledger with the same verdict module, and
 * reports: payments accepted, final within 60 s of recovery (recovery-deadline.ts), lost, moved
 * twice, the ledger totals before and after, and whether the bench's verdict agrees.
 *
 * Exit code 1 when any payment is lost or moved twice, fewer than 100 % are final within 60 s of
 * recovery, money is not conserved, the bench disagrees or fails, or the stack does not recover.
 * Kills and restarts the shared stack: take the e2e lock first where others use it
 * (flock -o /tmp/kirim-e2e.lock npm run chaos). The result goes to .local/chaos/last.json.
 */
import { ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Api } from '../../apps/e2e/src/support/api';
import { kirimHome, REPO_ROOT } from '../../apps/e2e/src/support/config';
import { isBenchToParent, ParentToBench } from '../bench/bench-ipc';
import { readBenchResult } from '../bench/bench-result';
import { judgeAgainstLedger } from '../bench/judge-against-ledger';
import { isFinalStatus, RunVerdict } from '../bench/run-verdict';
import { errorText, sleep } from '../bench/task-pool';
import { ChaosOptions, paymentBudget, parseChaosOptions } from './chaos-options';
import { ChaosResult, printChaosReport } from './chaos-report';
import { finalWithinRecovery, verdictDifferences } from './chaos-verdict';
import { DisruptionRecord, LocalStack } from './stack-disruptions';

function log(message: string): void {
  console.log(`[chaos] ${message}`);
}

interface BenchChild {
  readonly process: ChildProcess;
  readonly exited: Promise<number>;
  readonly loadStarted: Promise<void>;
  stop(): void;
}

function forkBench(options: ChaosOptions): BenchChild {
  const args = [
    '--until-stopped',
    '--users',
    String(options.users),
    '--payments',
    String(paymentBudget(options)),
    '--rate',
    String(options.rate),
    '--concurrency',
    String(options.concurrency),
    '--deadline-seconds',
    String(options.deadlineSeconds),
    '--result-file',
    options.benchResultFile,
  ];
  log(`load: npm run bench -- ${args.join(' ')}`);
  const child = fork(join(REPO_ROOT, 'tools', 'bench', 'bench.ts'), args, { cwd: REPO_ROOT, execArgv: ['-r', join(REPO_ROOT, 'tools', 'ts-register.cjs')], stdio: 'inherit' });
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const loadStarted = new Promise<void>((resolve, reject) => {
    child.on('message', (message) => {
      if (isBenchToParent(message) && message.type === 'load-started') resolve();
    });
    void exited.then((code) => reject(new Error(`the bench exited (code ${code}) before its load started`)));
  });
  loadStarted.catch(() => undefined); // observed by the caller; not an unhandled rejection meanwhile
  return {
    process: child,
    exited,
    loadStarted,
    stop: () => {
      if (child.connected) child.send({ type: 'stop-submitting' } satisfies ParentToBench);
    },
  };
}

async function main(): Promise<number> {
  const options = parseChaosOptions(process.argv.slice(2), kirimHome());
  const failures: string[] = [];
  const stack = new LocalStack({
    repoRoot: REPO_ROOT,
    kirimHome: kirimHome(),
    commandLog: join(dirname(options.resultFile), 'commands.log'),
    log,
    downMs: options.downSeconds * 1000,
    recoveryTimeoutMs: 180_000,
  });
  mkdirSync(dirname(options.resultFile), { recursive: true });
  await stack.preflight();
  log(`plan: ${options.disruptions.join(', ')}; ${options.users} users paying at ${options.rate}/s; scripts' output in ${join(dirname(options.resultFile), 'commands.log')}`);

  const startedAt = Date.now();
  const bench = forkBench(options);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping the bench and restoring the stack`);
    bench.process.kill('SIGTERM');
    void stack.restoreIfBroken().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const disruptions: DisruptionRecord[] = [];
  let benchExited = false;
  void bench.exited.then(() => {
    benchExited = true;
  });
  let stopReason: string | undefined;
  try {
    await bench.loadStarted;
    log(`load started; ${options.warmupSeconds} s of it before the first disruption`);
    await sleep(options.warmupSeconds * 1000);
    for (const kind of options.disruptions) {
      if (benchExited) {
        stopReason = 'the bench ended before the disruptions did';
        break;
      }
      disruptions.push(await stack.disrupt(kind));
      await sleep(options.calmSeconds * 1000);
    }
  } catch (error) {
    stopReason = `the chaos run stopped: ${errorText(error)}`;
    log(`FAIL: ${errorText(error)}; restoring the stack`);
    await stack.restoreIfBroken();
  } finally {
    bench.stop();
  }
  if (stopReason) failures.push(`${stopReason} (${disruptions.length} of ${options.disruptions.length} disruptions done under load)`);
  log('told the bench to stop submitting; it now waits for every payment to be final and judges the run');
  const benchExitCode = await bench.exited;
  if (interrupted) return 130;

  let run;
  try {
    run = readBenchResult(options.benchResultFile);
  } catch (error) {
    failures.push(`no bench result: ${errorText(error)}`);
    log(`FAIL: ${failures.join('; ')}`);
    return 1;
  }
  const benchVerdict: RunVerdict = run.result.verdict;
  const ledgerBefore = {
    totalMinor: BigInt(benchVerdict.ledger.before.totalMinor),
    customerTotalMinor: BigInt(benchVerdict.ledger.before.customerTotalMinor),
    unreconciledAccounts: benchVerdict.ledger.before.unreconciledAccounts,
  };
  // The same run judged again, with the same module, against the ledger as it is now.
  const verdict = await judgeAgainstLedger(new Api(), { accounts: run.accounts, payments: run.payments, states: run.states, ledgerBefore }, { log });
  const within = finalWithinRecovery(run.payments, run.states, disruptions);
  const differences = verdictDifferences(benchVerdict, verdict);

  const broker = disruptions.find((disruption) => disruption.kind === 'broker');
  const finalPayments = run.result.run.payments.filter((payment) => isFinalStatus(payment.state.status));
  const benchConsumer = {
    finalPayments: finalPayments.length,
    finalEventsSeen: finalPayments.filter((payment) => payment.finalEventSeenAt !== undefined).length,
    seenAfterBrokerRecovery: broker ? finalPayments.filter((payment) => (payment.finalEventSeenAt ?? 0) > broker.recoveredAt).length : null,
    crashes: run.result.completionWatch.crashes,
    replacedConsumers: run.result.completionWatch.replacedConsumers,
  };

  if (!verdict.ok) failures.push(...verdict.failures);
  if (within.inTime < within.accepted) failures.push(`${within.accepted - within.inTime} payment(s) not final within ${within.allowanceSeconds} s of recovery`);
  if (differences.length > 0) failures.push(`the bench's verdict disagrees: ${differences.join('; ')}`);
  if (benchExitCode !== 0) failures.push(`the bench exited with ${benchExitCode}`);

  const result: ChaosResult = {
    finishedAt: new Date().toISOString(),
    options: { ...options, disruptions: [...options.disruptions] },
    startedAt: new Date(startedAt).toISOString(),
    disruptions: disruptions.map((disruption) => ({
      ...disruption,
      startedAtIso: new Date(disruption.startedAt).toISOString(),
      secondsIntoRun: Math.round((disruption.startedAt - startedAt) / 100) / 10,
      recoverySeconds: Math.round((disruption.recoveredAt - disruption.startedAt) / 100) / 10,
    })),
    bench: { exitCode: benchExitCode, resultFile: options.benchResultFile, verdict: benchVerdict, load: run.result.load },
    benchConsumer,
    verdict,
    finalWithinRecovery: within,
    agreement: { agrees: differences.length === 0, differences },
    ok: failures.length === 0,
    failures,
  };
  writeFileSync(options.resultFile, `${JSON.stringify(result, null, 2)}\n`);
  printChaosReport(result);
  log(`result written to ${options.resultFile}`);
  if (failures.length > 0) log(`FAIL: ${failures.join('; ')}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[chaos] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
