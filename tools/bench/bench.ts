/**
 * Load bench of the running local stack (scripts/stack.sh up), as an outside client:
 *
 *   npm run bench -- [--users 125] [--payments 2000] [--concurrency 64] [--smoke] [--deadline-seconds 120]
 *
 * Seeds users with large sandbox balances at both banks (through the sandbox administration API on
 * bank-connector's own port, BANK_CONNECTOR_URL, as an operator would: it is not on the edge),
 * registers and links them through the edge, then simulated users pay random others small amounts through POST /v1/payments. Payers
 * take turns, so each pays payments/users times: like real users, each stays within the scheme
 * profile's per-payer limits (UPI: 20 payments per rolling 24 h), which the bench never weakens.
 *
 * - acceptance latency: the HTTP round trip of POST /v1/payments (202);
 * - completion latency: from the 202 to the payment's final lifecycle event (completed, failed,
 *   reversed) on payments.events.v1, read by a fresh consumer group subscribed before the run;
 *   nothing polls the payments;
 * - throughput: completed payments / (last completion - first acceptance).
 *
 * At the end it checks money was conserved (ledger total 0, customer total unchanged, every user's
 * balance equal to opening balance plus the completed payments' flows) and that every accepted
 * payment became final before the deadline. It reports durations; it never asserts one.
 * Exit code 1 when conservation fails or a payment did not finish; the JSON result goes to
 * .local/bench/last.json.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build, Histogram } from 'hdr-histogram-js';
import { EVENT_TYPES, TOPICS } from '@kirim/contracts';
import { uniquePhone } from '@kirim/testing';
import { Api, BankCode, formatMinor, LedgerSummary, Party, PaymentAccepted, Problem, toMinor } from '../../apps/e2e/src/support/api';
import { kirimHome } from '../../apps/e2e/src/support/config';
import UPI_PROFILE from '../../apps/payments/src/limits/scheme-profiles/upi.json';
import { ceType, jsonValue, KafkaClient, keyText, ObservedRecord } from '../../apps/e2e/src/support/kafka';

interface Options {
  users: number;
  payments: number;
  concurrency: number;
  deadlineSeconds: number;
  smoke: boolean;
}

const OPENING_BALANCE = '1000000.00';
const FINAL_EVENT_TYPES: ReadonlyMap<string, string> = new Map([
  [EVENT_TYPES.PAYMENT_COMPLETED, 'completed'],
  [EVENT_TYPES.PAYMENT_FAILED, 'failed'],
  [EVENT_TYPES.PAYMENT_REVERSED, 'reversed'],
]);

function parseOptions(argv: string[]): Options {
  const smoke = argv.includes('--smoke');
  const options: Options = { users: smoke ? 20 : 125, payments: smoke ? 100 : 2000, concurrency: smoke ? 16 : 64, deadlineSeconds: 120, smoke };
  const numeric: Record<string, keyof Omit<Options, 'smoke'>> = {
    '--users': 'users',
    '--payments': 'payments',
    '--concurrency': 'concurrency',
    '--deadline-seconds': 'deadlineSeconds',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') continue;
    const [flag, inline] = arg.split('=', 2);
    const field = numeric[flag];
    if (!field) throw new Error(`unknown argument ${arg} (use --users N --payments N --concurrency N --deadline-seconds N --smoke)`);
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer, got ${JSON.stringify(raw)}`);
    options[field] = value;
  }
  if (options.users < 2) throw new Error('--users must be at least 2 (someone has to be paid)');
  // Each payer pays ceil(payments / users) times within minutes; at most 99.99 each, so the count
  // is the limit that binds (20 x 99.99 is inside the ₹5,000 a new device may send on its first day).
  const perPayer = Math.ceil(options.payments / options.users);
  const maxPerPayer = UPI_PROFILE.limits.rollingWindowMaxCount;
  if (perPayer > maxPerPayer) {
    throw new Error(
      `--payments ${options.payments} over --users ${options.users} is ${perPayer} payments per user, more than the ${maxPerPayer} a payer may make in 24 hours (UPI scheme profile); use --users ${Math.ceil(options.payments / maxPerPayer)} or more`,
    );
  }
  return options;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function newHistogram(): Histogram {
  // Microseconds, 3 significant digits; resizes itself if a run is slower than expected.
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60 * 60 * 1_000_000, numberOfSignificantValueDigits: 3 });
}

interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

function summarize(histogram: Histogram): LatencySummary {
  const ms = (micros: number): number => Math.round(micros / 10) / 100;
  // Percentiles are reported as their bucket's highest equivalent value; never above the true max.
  const at = (percentile: number): number => ms(Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue));
  return {
    count: histogram.totalCount,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    maxMs: ms(histogram.maxValue),
    meanMs: ms(histogram.mean),
  };
}

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

interface Accepted {
  readonly paymentId: string;
  readonly payer: Party;
  readonly payee: Party;
  readonly minor: bigint;
  readonly acceptedAt: number;
}

interface Final {
  readonly outcome: string;
  readonly status: string;
  readonly resultCode?: string;
  readonly at: number;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const api = new Api();
  log(`edge ${api.baseUrl}; ${options.users} users, ${options.payments} payments, concurrency ${options.concurrency}${options.smoke ? ' (smoke)' : ''}`);

  // 1. Users: a sandbox account each (alternating banks, large balances), registered and linked.
  const setupStart = performance.now();
  const users = await pool(
    Array.from({ length: options.users }, (_, i) => i),
    8,
    (i): Promise<Party> =>
      api.registerWithAccount({ phone: uniquePhone(), displayName: `bench ${i + 1}`, bankCode: (i % 2 === 0 ? 'SBXA' : 'SBXB') as BankCode, openingBalance: OPENING_BALANCE }),
  );
  const openingBalances = new Map<string, bigint>();
  for (const user of users) openingBalances.set(user.userId, await api.balanceOf(user));
  log(`seeded and linked ${users.length} users in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

  const ledgerBefore = await api.ledgerSummary();

  // 2. Completion detection: the lifecycle topic, read from its current end by a fresh group.
  const kafka = new KafkaClient({ clientId: 'kirim-bench' }); // as observer: reads, never writes
  const accepted = new Map<string, Accepted>();
  const finals = new Map<string, Final>();
  const completionLatency = newHistogram();
  const acceptanceLatency = newHistogram();
  let lastCompletionAt = 0;
  let allAcceptedResolve: (() => void) | undefined;
  const allFinal = new Promise<void>((resolve) => {
    allAcceptedResolve = resolve;
  });
  let submissionDone = false;

  const settle = (paymentId: string): void => {
    const acceptance = accepted.get(paymentId);
    const final = finals.get(paymentId);
    if (!acceptance || !final) return;
    // The event can be read before the client has processed its own 202; that is a latency of 0.
    completionLatency.recordValue(Math.max(1, Math.round((final.at - acceptance.acceptedAt) * 1000)));
    lastCompletionAt = Math.max(lastCompletionAt, final.at);
    if (submissionDone && [...accepted.keys()].every((id) => finals.has(id))) allAcceptedResolve?.();
  };

  const onRecord = (record: ObservedRecord): void => {
    const outcome = FINAL_EVENT_TYPES.get(ceType(record) ?? '');
    const paymentId = keyText(record);
    if (!outcome || !paymentId || finals.has(paymentId)) return;
    const data = jsonValue<{ status?: string; resultCode?: string }>(record) ?? {};
    finals.set(paymentId, { outcome, status: data.status ?? outcome, resultCode: data.resultCode, at: performance.now() });
    settle(paymentId);
  };
  const watch = await kafka.watch([TOPICS.PAYMENTS_EVENTS], { onRecord });

  // 3. The run: `concurrency` simulated users, payers in turn, each paying a random other user a small amount.
  const httpFailures = new Map<string, number>();
  let firstAcceptedAt = Number.POSITIVE_INFINITY;
  let submitted = 0;
  const runStart = performance.now();
  let turn = 0;
  const payOnce = async (): Promise<void> => {
    const payerIndex = turn++ % users.length;
    let payeeIndex = randomInt(users.length - 1);
    if (payeeIndex >= payerIndex) payeeIndex++;
    const payer = users[payerIndex];
    const payee = users[payeeIndex];
    const amount = formatMinor(BigInt(randomInt(100, 10_000))); // 1.00 .. 99.99
    const sentAt = performance.now();
    let code: string;
    try {
      const result = await api.pay(payer, { payeePhone: payee.phone, amount, idempotencyKey: randomUUID(), note: 'bench' });
      const receivedAt = performance.now();
      if (result.status === 202) {
        const body = result.body as PaymentAccepted;
        acceptanceLatency.recordValue(Math.max(1, Math.round((receivedAt - sentAt) * 1000)));
        firstAcceptedAt = Math.min(firstAcceptedAt, receivedAt);
        accepted.set(body.paymentId, { paymentId: body.paymentId, payer, payee, minor: toMinor(amount), acceptedAt: receivedAt });
        settle(body.paymentId);
        return;
      }
      const problem = result.body as Partial<Problem>;
      code = `${result.status} ${typeof problem === 'object' && problem?.code ? problem.code : 'no-code'}${problem?.resultCode ? ` (${problem.resultCode})` : ''}`;
    } catch (error) {
      code = `network: ${error instanceof Error ? error.message : String(error)}`;
    }
    httpFailures.set(code, (httpFailures.get(code) ?? 0) + 1);
  };
  const progress = setInterval(() => log(`submitted ${submitted}/${options.payments}, accepted ${accepted.size}, final ${finals.size}`), 5000);
  try {
    await pool(
      Array.from({ length: options.payments }, (_, i) => i),
      options.concurrency,
      async () => {
        await payOnce();
        submitted++;
      },
    );
    const submissionEnd = performance.now();
    submissionDone = true;
    log(`submitted ${options.payments} payments in ${((submissionEnd - runStart) / 1000).toFixed(1)} s; waiting up to ${options.deadlineSeconds} s for the last to finish`);

    // 4. Wait for every accepted payment's final event, bounded.
    if ([...accepted.keys()].every((id) => finals.has(id))) allAcceptedResolve?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allFinal, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.deadlineSeconds * 1000)))]);
    if (timer) clearTimeout(timer);
  } finally {
    clearInterval(progress);
    await watch.stop();
    await kafka.disconnect();
  }

  const unfinished = [...accepted.keys()].filter((id) => !finals.has(id));
  const outcomes = new Map<string, number>();
  for (const id of accepted.keys()) {
    const final = finals.get(id);
    const key = final ? `${final.status}${final.resultCode && final.resultCode !== '00' ? ` (${final.resultCode})` : ''}` : 'unfinished';
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  // Where the unfinished ones are stuck: one look at a sample, for the report (detection never polls).
  const stuckSample = await pool(unfinished.slice(0, 10), 4, async (id) => {
    const payment = accepted.get(id);
    if (!payment) return { paymentId: id, status: 'unknown' };
    try {
      const view = await api.getPayment(payment.payer, id);
      return { paymentId: id, status: view.status, resultCode: view.resultCode };
    } catch (error) {
      return { paymentId: id, status: `lookup failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  });
  const completedIds = [...accepted.keys()].filter((id) => finals.get(id)?.status === 'completed');
  const wallSeconds = completedIds.length > 0 ? (lastCompletionAt - firstAcceptedAt) / 1000 : 0;
  const throughput = wallSeconds > 0 ? completedIds.length / wallSeconds : 0;

  // 5. Conservation: the ledger, the customers' total, and each bench user's balance.
  const ledgerAfter = await api.ledgerSummary();
  const conservation = checkConservation(ledgerBefore, ledgerAfter);
  const expected = new Map(openingBalances);
  for (const id of completedIds) {
    const payment = accepted.get(id);
    if (!payment) continue;
    expected.set(payment.payer.userId, (expected.get(payment.payer.userId) ?? 0n) - payment.minor);
    expected.set(payment.payee.userId, (expected.get(payment.payee.userId) ?? 0n) + payment.minor);
  }
  const balanceMismatches: { userId: string; expected: string; actual: string }[] = [];
  await pool(users, 8, async (user) => {
    const actual = await api.balanceOf(user);
    const want = expected.get(user.userId) ?? 0n;
    if (actual !== want) balanceMismatches.push({ userId: user.userId, expected: formatMinor(want), actual: formatMinor(actual) });
  });
  if (balanceMismatches.length > 0) conservation.problems.push(`${balanceMismatches.length} bench user(s) hold a balance other than opening balance + completed payments`);

  const result = {
    finishedAt: new Date().toISOString(),
    edge: api.baseUrl,
    options,
    payments: {
      submitted: options.payments,
      accepted: accepted.size,
      final: accepted.size - unfinished.length,
      completed: completedIds.length,
      unfinished: unfinished.length,
      outcomes: Object.fromEntries(outcomes),
      httpFailures: Object.fromEntries(httpFailures),
    },
    completedPerSecond: Math.round(throughput * 100) / 100,
    wallSecondsFirstAcceptanceToLastCompletion: Math.round(wallSeconds * 1000) / 1000,
    acceptanceLatency: summarize(acceptanceLatency),
    completionLatency: summarize(completionLatency),
    conservation: { ok: conservation.problems.length === 0, problems: conservation.problems, ledgerBefore, ledgerAfter, balanceMismatches: balanceMismatches.slice(0, 20) },
    unfinishedPaymentIds: unfinished.slice(0, 50),
    unfinishedSample: stuckSample,
  };

  const outDir = join(kirimHome(), 'bench');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, 'last.json');
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);

  printSummary(result);
  log(`result written to ${outFile}`);

  const failed = conservation.problems.length > 0 || unfinished.length > 0 || accepted.size === 0;
  if (unfinished.length > 0) {
    log(`FAIL: ${unfinished.length} accepted payment(s) not final within ${options.deadlineSeconds} s of the last submission`);
    for (const stuck of stuckSample) log(`  e.g. ${stuck.paymentId}: ${stuck.status}${'resultCode' in stuck && stuck.resultCode ? ` (${stuck.resultCode})` : ''}`);
  }
  if (conservation.problems.length > 0) log(`FAIL: money not conserved: ${conservation.problems.join('; ')}`);
  if (accepted.size === 0) log('FAIL: no payment was accepted');
  return failed ? 1 : 0;
}

function checkConservation(before: LedgerSummary, after: LedgerSummary): { problems: string[] } {
  const problems: string[] = [];
  for (const [currency, total] of Object.entries(after.totalMinorUnitsByCurrency)) {
    if (total !== '0') problems.push(`ledger total ${currency} is ${total}, not 0`);
  }
  const customerBefore = before.customerTotalMinorUnitsByCurrency.INR ?? '0';
  const customerAfter = after.customerTotalMinorUnitsByCurrency.INR ?? '0';
  if (customerBefore !== customerAfter) {
    problems.push(`customer total INR changed from ${formatMinor(BigInt(customerBefore))} to ${formatMinor(BigInt(customerAfter))} (also happens if someone else used the sandbox during the run)`);
  }
  if (after.unreconciledAccounts !== 0) problems.push(`${after.unreconciledAccounts} account(s) do not reconcile with their ledger entries`);
  return { problems };
}

function printSummary(result: {
  payments: { submitted: number; accepted: number; completed: number; unfinished: number; outcomes: Record<string, number>; httpFailures: Record<string, number> };
  completedPerSecond: number;
  wallSecondsFirstAcceptanceToLastCompletion: number;
  acceptanceLatency: LatencySummary;
  completionLatency: LatencySummary;
  conservation: { ok: boolean; problems: string[]; ledgerAfter: LedgerSummary };
}): void {
  const row = (label: string, s: LatencySummary): string =>
    `  ${label.padEnd(26)}${String(s.count).padStart(7)}${s.p50Ms.toFixed(1).padStart(10)}${s.p90Ms.toFixed(1).padStart(10)}${s.p99Ms.toFixed(1).padStart(10)}${s.maxMs.toFixed(1).padStart(10)}`;
  const p = result.payments;
  console.log('');
  console.log('kirim bench');
  console.log(`  payments: ${p.submitted} submitted, ${p.accepted} accepted (202), ${p.completed} completed, ${p.unfinished} unfinished`);
  console.log(`  outcomes: ${Object.entries(p.outcomes).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'}`);
  console.log(`  refused at acceptance: ${Object.entries(p.httpFailures).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'}`);
  console.log(`  throughput: ${result.completedPerSecond} completed payments/s over ${result.wallSecondsFirstAcceptanceToLastCompletion} s (first acceptance to last completion)`);
  console.log('');
  console.log(`  ${'latency (ms)'.padEnd(26)}${'count'.padStart(7)}${'p50'.padStart(10)}${'p90'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`);
  console.log(row('acceptance (HTTP 202)', result.acceptanceLatency));
  console.log(row('completion (202 -> final)', result.completionLatency));
  console.log('');
  const ledger = result.conservation.ledgerAfter;
  console.log(
    `  conservation: ${result.conservation.ok ? 'OK' : 'FAILED'} — ledger total ${JSON.stringify(ledger.totalMinorUnitsByCurrency)}, customer total ${ledger.customerTotal.INR?.value ?? '?'} INR, unreconciled accounts ${ledger.unreconciledAccounts}`,
  );
  for (const problem of result.conservation.problems) console.log(`    - ${problem}`);
  console.log('');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
