import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Api } from '../../apps/e2e/src/support/api';
import { CeilingOnlyOptions, OpenLoopOptions } from './bench-options';
import { CompletionWatch } from './completion-watch';
import { EdgeHttp } from './edge-http';
import { judgeAgainstLedger } from './judge-against-ledger';
import { writeLatencyChart } from './latency-chart';
import { LatencyRecorder } from './latency';
import { seedUsers } from './load-driver';
import { OpenLoopDriver } from './open-loop-driver';
import { clientFellBehind, stepFigures } from './open-loop-figures';
import { ceilingLines, fellBehindWarning, stepLines, sweepTable } from './open-loop-report';
import { OpenLoopResult, OpenLoopStepResult } from './open-loop-result';
import { planSchedule, steadyWindow, usersNeeded } from './open-loop-schedule';
import { PaymentStateReader } from './payment-states';
import { CeilingResult, measurePostgresCeiling } from './pg-ceiling';
import { openingAccounts, readLedgerTotals } from './sandbox-ledger-reader';
import { errorText, sleep } from './task-pool';
import { BacklogPeaks, BacklogWatch } from './backlog-watch';
import { databaseWorkBetween, DatabaseWorkSnapshot, readStackDatabaseWork, vacuumStackDatabases } from './database-work';
import { CpuSnapshot, readStackCpu, stackCpuBetween } from './stack-cpu';
import { SessionKeeper } from './user-sessions';
import { isFinalStatus } from './run-verdict';
import { untilEventsSayFinal, waitUntilFinal } from './wait-until-final';

/**
 * The open-loop bench (--duration): the PostgreSQL ceiling first (unless --ceiling-seconds 0), then
 * one step per offered rate, each with users of its own: seed them, send the schedule, wait until
 * every accepted payment is final, judge the step against the ledger (run-verdict.ts, as the closed
 * loop does) and report it. A sweep (several rates) ends with a table and the latency-throughput
 * chart.
 */

/** How long one payment is sent again while the stack gives no answer at all (a restart takes far less). */
const ANSWER_PATIENCE_MS = 120_000;
/** After every payment is final, how long the consumer may take to see the last final events. */
const EVENT_GRACE_MS = 15_000;
/** Payment states read at once after a step (GET /v1/payments/{id} through the edge). */
const STATE_READ_PARALLELISM = 32;

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

function commitOf(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${sha} with local changes` : sha;
  } catch {
    return 'unknown';
  }
}

function writeResult(file: string, result: OpenLoopResult): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`result written to ${file}`);
}

export async function runCeilingOnly(options: CeilingOnlyOptions): Promise<number> {
  const ceiling = await measurePostgresCeiling(options.ceiling, log);
  console.log('');
  for (const line of ceilingLines(ceiling)) console.log(line);
  console.log('');
  writeResult(options.resultFile, { mode: 'ceiling-only', finishedAt: new Date().toISOString(), commit: commitOf(), edge: null, options: { ...options }, ceiling, steps: [], ok: true });
  return 0;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<number> {
  const api = new Api();
  const commit = commitOf();
  log(
    `edge ${api.baseUrl}; open loop: ${options.rates.join(', ')} payments/s offered, ${options.durationSeconds} s per step; ${options.users ?? 'as many'} users per step${options.users ? '' : ' as the step needs'}`,
  );

  // 1. The PostgreSQL ceiling, before any load of ours is on the server.
  const ceiling: CeilingResult | null = options.ceiling.seconds > 0 ? await measurePostgresCeiling(options.ceiling, log) : null;

  // 2. The consumer that times final events (latency only), shared by every step.
  let watch: CompletionWatch | undefined;
  try {
    watch = await CompletionWatch.start(log);
  } catch (error) {
    log(`the completion watch did not start (${errorText(error)}); completion is judged through the API alone`);
  }

  const edge = new EdgeHttp(api.baseUrl);
  const steps: OpenLoopStepResult[] = [];
  try {
    for (const [index, rate] of options.rates.entries()) {
      const step = await runStep(api, edge, watch, options, rate, ceiling);
      steps.push(step);
      console.log('');
      for (const line of stepLines(step, `${index + 1}/${options.rates.length}`, ceiling)) console.log(line);
      console.log('');
    }
  } finally {
    edge.close();
    await watch?.stop();
  }

  if (ceiling) for (const line of ceilingLines(ceiling)) console.log(line);
  if (steps.length > 1) {
    console.log('');
    console.log(`kirim open-loop sweep: completed/s sustained, and latency from the scheduled moment to final of the payments due in each step's steady window (${options.durationSeconds} s per step)`);
    for (const line of sweepTable(steps, ceiling)) console.log(line);
    // Said again at the end, where it is read: a step whose client fell behind measured the client too.
    for (const step of steps.filter((candidate) => candidate.clientFellBehind)) for (const line of fellBehindWarning(step)) console.log(line);
  }
  console.log('');

  if (options.chartFile) {
    try {
      await writeLatencyChart(
        options.chartFile,
        steps.map((step) => ({ offeredRate: step.offeredRate, completedPerSecond: step.figures.completedPerSecond, ...pick(step.figures.scheduledToFinal) })),
        'kirim: latency against throughput (open-loop sweep)',
        [
          `${new Date().toISOString().slice(0, 10)}, commit ${commit}; ${options.durationSeconds} s per step; offered ${options.rates.join(', ')} payments/s`,
          ceiling
            ? `PostgreSQL ceiling (same server): ${ceiling.variants.map((variant) => `${variant.paymentsPerSecond} payments/s at ${variant.paymentsPerTransaction} per transaction`).join(', ')}`
            : 'PostgreSQL ceiling not measured',
          ...(steps.some((step) => step.clientFellBehind) ? [`the client fell behind its schedule at ${steps.filter((step) => step.clientFellBehind).map((step) => `${step.offeredRate}/s`).join(', ')}`] : []),
        ],
      );
      log(`latency-throughput chart written to ${options.chartFile}`);
    } catch (error) {
      log(`the chart was not written (${errorText(error)}); is the vega package installed?`);
    }
  }

  const ok = steps.every((step) => step.ok);
  writeResult(options.resultFile, { mode: 'open-loop', finishedAt: new Date().toISOString(), commit, edge: api.baseUrl, options: { ...options }, ceiling, steps, ok });
  for (const step of steps.filter((candidate) => !candidate.ok)) {
    const problems = [
      ...step.verdict.failures,
      ...(step.load.unanswered > 0 ? [`${step.load.unanswered} payment(s) never got an answer`] : []),
      ...(step.load.notPrepared > 0 ? [`${step.load.notPrepared} payment(s) could not be prepared`] : []),
      ...(step.load.clientErrors > 0 ? [`the client failed on ${step.load.clientErrors} payment(s)`] : []),
    ];
    log(`FAIL at ${step.offeredRate}/s: ${problems.join('; ')}`);
  }
  return ok ? 0 : 1;
}

function pick(summary: { p50Ms: number; p99Ms: number; p999Ms: number }): { p50Ms: number; p99Ms: number; p999Ms: number } {
  return { p50Ms: summary.p50Ms, p99Ms: summary.p99Ms, p999Ms: summary.p999Ms };
}

async function runStep(api: Api, edge: EdgeHttp, watch: CompletionWatch | undefined, options: OpenLoopOptions, rate: number, ceiling: CeilingResult | null): Promise<OpenLoopStepResult> {
  const duration = options.durationSeconds;
  const userCount = options.users ?? usersNeeded(rate, duration);

  // Users of the step's own: nobody's 24-hour payment count carries over from another step.
  const seedStart = performance.now();
  log(`${rate}/s: seeding ${userCount} users, ${options.seedParallelism} at once`);
  const users = await seedUsers(api, userCount, options.seedParallelism, log);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`${rate}/s: seeded and linked ${users.length} users in ${seedSeconds.toFixed(1)} s (${(users.length / seedSeconds).toFixed(1)} users/s)`);
  const accounts = await openingAccounts(users.map((user) => user.accountRef));
  const ledgerBefore = await readLedgerTotals(api);

  // Tokens that would expire during the step are renewed now, not on the load's hot path.
  const sessions = new SessionKeeper(api, users);
  const renewed = await sessions.renewExpiringWithin(duration + 90, options.seedParallelism);
  if (renewed > 0) log(`${rate}/s: renewed ${renewed} sessions that would expire during the step`);

  const vacuumStart = performance.now();
  const vacuum = await vacuumStackDatabases();
  log(`${rate}/s: vacuumed ${vacuum.vacuumed.length} databases in ${((performance.now() - vacuumStart) / 1000).toFixed(1)} s${vacuum.skipped.map(({ database, reason }) => `; not ${database}: ${reason}`).join('')}`);

  const planned = planSchedule(rate, duration, users.length, randomInt);
  log(`${rate}/s: sending ${planned.length} payments over ${duration} s`);
  const driver = new OpenLoopDriver(api, edge, sessions, users, log);
  // From the first send until every accepted payment is final: all the work those payments caused.
  const databaseBefore = await readStackDatabaseWork();
  const cpuBefore = readStackCpu();
  const backlogWatch = BacklogWatch.forStack();
  backlogWatch.start();
  const load = await driver.run(planned, ANSWER_PATIENCE_MS);
  log(`${rate}/s: ${load.sent} sent, ${load.accepted.length} accepted, ${load.shed} shed; waiting up to ${options.deadlineSeconds} s for every accepted one to be final`);

  // With the completion watch, the stack's cost is read once every final event is seen, before the
  // bench reads any state through the API: those reads (one per payment) are the bench's, not the
  // payments'. Without it, completion is only known through those reads, which then fall inside.
  const deadlineAt = Date.now() + options.deadlineSeconds * 1000;
  const readWindowEnd = async (): Promise<{ cpu: CpuSnapshot | null; database: DatabaseWorkSnapshot | null; backlog: BacklogPeaks }> => ({
    cpu: readStackCpu(),
    database: await readStackDatabaseWork(),
    backlog: await backlogWatch.stop(),
  });
  let windowEnd: Awaited<ReturnType<typeof readWindowEnd>> | undefined;
  if (watch) {
    const seen = await untilEventsSayFinal(load.accepted, watch, deadlineAt);
    if (seen !== 'all-seen') log(`${rate}/s: the completion watch did not see every final event (${seen}); the rest is found through the API`);
    windowEnd = await readWindowEnd();
  }
  const reader = new PaymentStateReader(sessions, async (paymentId, accessToken) => {
    const answer = await edge.request('GET', `/v1/payments/${encodeURIComponent(paymentId)}`, { accept: 'application/json, application/problem+json', authorization: `Bearer ${accessToken}` });
    return { status: answer.status, body: EdgeHttp.json(answer) };
  });
  const states = await waitUntilFinal(load.accepted, reader, watch, deadlineAt, {
    parallelism: STATE_READ_PARALLELISM,
    fullSweepEveryMs: watch ? 30_000 : 5_000,
    log,
  });
  windowEnd ??= await readWindowEnd();
  const finalPayments = load.accepted.filter((payment) => isFinalStatus(states.get(payment.paymentId)?.status)).length;
  const stackCpu = cpuBefore && windowEnd.cpu ? stackCpuBetween(cpuBefore, windowEnd.cpu, finalPayments) : null;
  const databaseWork = databaseBefore && windowEnd.database ? databaseWorkBetween(databaseBefore, windowEnd.database, finalPayments) : null;
  if (watch) {
    const graceEnd = Date.now() + EVENT_GRACE_MS;
    while (Date.now() < graceEnd && load.accepted.some((payment) => isFinalStatus(states.get(payment.paymentId)?.status) && watch.finalSeenAt(payment.paymentId) === undefined)) await sleep(250);
  }

  const verdict = await judgeAgainstLedger(api, { accounts, payments: load.accepted, states, ledgerBefore }, { log });

  const figures = stepFigures(
    load.accepted.map((payment) => {
      const state = states.get(payment.paymentId);
      return { scheduledAt: payment.scheduledAt, acceptedAt: payment.acceptedAtPrecise, finalAt: state?.finalAt, status: state?.status };
    }),
    load.startAt,
    steadyWindow(duration),
  );
  const finalEvent = new LatencyRecorder();
  for (const payment of load.accepted) {
    const seenAt = watch?.finalSeenAt(payment.paymentId);
    if (seenAt !== undefined) finalEvent.recordMs(seenAt - payment.acceptedPerfAt);
  }
  const fellBehind = clientFellBehind(load.sendLag, load.preparedLate);
  return {
    offeredRate: rate,
    durationSeconds: duration,
    users: users.length,
    seeding: { seconds: Math.round(seedSeconds * 10) / 10, usersPerSecond: Math.round((users.length / seedSeconds) * 10) / 10, parallelism: options.seedParallelism, sessionsRenewedBeforeLoad: renewed },
    load: {
      scheduled: load.scheduled,
      sent: load.sent,
      accepted: load.accepted.length,
      shed: load.shed,
      shedAnswers: load.shedAnswers,
      throttledAnswers: load.throttledAnswers,
      refusals: load.refusals,
      unanswered: load.unanswered,
      resent: load.resent,
      retries: load.retries,
      notPrepared: load.notPrepared,
      clientErrors: load.clientErrors,
      preparedLate: load.preparedLate,
      peakInFlight: load.peakInFlight,
      peakSockets: load.peakSockets,
      sessionsRefreshed: sessions.stats.refreshed,
    },
    sendLag: load.sendLag,
    clientFellBehind: fellBehind,
    client: load.client,
    stackCpu,
    databaseWork,
    backlog: windowEnd.backlog,
    figures,
    finalEventAfterAcceptance: finalEvent.summary(),
    ofCeiling: Object.fromEntries((ceiling?.variants ?? []).map((variant) => [`${variant.paymentsPerTransaction}-per-transaction`, Math.round((figures.completedPerSecond / variant.paymentsPerSecond) * 10_000) / 10_000])),
    verdict,
    ok: verdict.ok && load.unanswered === 0 && load.notPrepared === 0 && load.clientErrors === 0,
  };
}
