import { verdictLines } from './bench-report';
import { LatencySummary } from './latency';
import { SEND_LAG_P99_LIMIT_MS } from './open-loop-figures';
import { OpenLoopStepResult } from './open-loop-result';
import { CeilingResult } from './pg-ceiling';
import { backlogText } from './backlog-watch';
import { databaseWorkText } from './database-work';
import { machineSaturated, StackCpuFigures } from './stack-cpu';

function entries(record: Readonly<Record<string, number>>): string {
  return (
    Object.entries(record)
      .map(([key, count]) => `${key}: ${count}`)
      .join(', ') || 'none'
  );
}

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function latencyRow(label: string, s: LatencySummary): string {
  return `  ${label.padEnd(34)}${String(s.count).padStart(7)}${[s.p50Ms, s.p90Ms, s.p99Ms, s.p999Ms, s.maxMs].map((value) => ms(value).padStart(10)).join('')}`;
}

export function ceilingLines(ceiling: CeilingResult): string[] {
  return [
    `PostgreSQL ceiling (${ceiling.server}, PostgreSQL ${ceiling.settings.serverVersion}, fsync ${ceiling.settings.fsync}, synchronous_commit on, ${ceiling.clients} clients):`,
    ...ceiling.variants.map(
      (variant) =>
        `  ${String(variant.paymentsPerTransaction).padStart(2)} payment(s) per transaction (2 UPDATE + 2 INSERT each): ${variant.transactionsPerSecond} transactions/s = ${variant.paymentsPerSecond} payments/s; transaction p50 ${ms(variant.transactionLatency.p50Ms)} ms, p99 ${ms(variant.transactionLatency.p99Ms)} ms${variant.deadlocksOrSerializationFailures > 0 ? `; ${variant.deadlocksOrSerializationFailures} rolled back` : ''}`,
    ),
  ];
}

/** "0.8 % of 1 payment/tx (12000/s), 0.1 % of 10 payments/tx (80000/s)". */
export function ceilingRatioText(completedPerSecond: number, ceiling: CeilingResult | null): string {
  if (!ceiling) return 'no PostgreSQL ceiling measured';
  return ceiling.variants
    .map((variant) => `${((completedPerSecond / variant.paymentsPerSecond) * 100).toFixed(1)} % of the ${variant.paymentsPerTransaction}-payment-per-transaction ceiling (${variant.paymentsPerSecond}/s)`)
    .join(', ');
}

export function stepLines(step: OpenLoopStepResult, position: string, ceiling: CeilingResult | null): string[] {
  const load = step.load;
  const figures = step.figures;
  const lines = [
    `kirim open-loop step ${position}: ${step.offeredRate} payments/s offered for ${step.durationSeconds} s (${load.scheduled} payments, ${step.users} users seeded in ${step.seeding.seconds} s, ${step.seeding.usersPerSecond}/s at ${step.seeding.parallelism} at once)`,
    `  sent ${load.sent}, accepted ${load.accepted}, shed ${load.shed} (503 + Retry-After answers: ${load.shedAnswers}), 429 answers ${load.throttledAnswers}, never answered ${load.unanswered}, sent more than once ${load.resent}${load.notPrepared + load.clientErrors > 0 ? `, NOT PREPARED ${load.notPrepared}, CLIENT FAILED ${load.clientErrors}` : ''}`,
    `  refused at acceptance: ${entries(load.refusals)}`,
    `  sent again because: ${entries(load.retries)}`,
    `  throughput: ${figures.completedPerSecond} completed payments/s sustained (${figures.steadyCompletions.completions} completions over ${figures.steadyCompletions.seconds} s, the first and last tenth left out); ${figures.completed} completed in all`,
    `  against the PostgreSQL ceiling: ${ceilingRatioText(figures.completedPerSecond, ceiling)}`,
    `  client: send lag p50 ${ms(step.sendLag.p50Ms)} / p99 ${ms(step.sendLag.p99Ms)} / max ${ms(step.sendLag.maxMs)} ms, ${load.preparedLate} not prepared in time, peak ${load.peakInFlight} in flight on ${load.peakSockets} sockets, ${step.client.cpuSeconds} s CPU, event loop ${(step.client.eventLoopUtilization * 100).toFixed(0)} % busy`,
    `  ${stackCpuText(step.stackCpu)}`,
    `  ${databaseWorkText(step.databaseWork)}`,
    `  ${backlogText(step.backlog)}`,
    '',
    `  ${`latency (ms), due ${figures.window.fromSeconds}–${figures.window.toSeconds} s`.padEnd(34)}${'count'.padStart(7)}${['p50', 'p90', 'p99', 'p99.9', 'max'].map((label) => label.padStart(10)).join('')}`,
    latencyRow('scheduled -> accepted (202)', figures.scheduledToAccepted),
    latencyRow('scheduled -> final', figures.scheduledToFinal),
    latencyRow('accepted -> final', figures.acceptedToFinal),
    latencyRow('accepted -> final event seen', step.finalEventAfterAcceptance),
    '',
    ...verdictLines(step.verdict),
  ];
  if (step.clientFellBehind) lines.push('', ...fellBehindWarning(step));
  return lines;
}

/** "stack CPU: 96.3 ms per final payment (payments 24.1, postgresql 20.2, ...); 1.82 cores busy over 45.2 s". */
export function stackCpuText(cpu: StackCpuFigures | null): string {
  if (!cpu) return 'stack CPU: not measured (no /proc on this machine)';
  const programs = Object.entries(cpu.msPerPayment)
    .map(([program, value]) => `${program} ${value}`)
    .join(', ');
  const stack = `stack CPU: ${cpu.totalMsPerPayment} ms per final payment (${programs}); ${cpu.coresBusy} cores busy over ${cpu.seconds} s (first send to last final, ${cpu.finalPayments} final payments)`;
  if (cpu.machine === undefined) return stack;
  const machine = `; the whole machine ${cpu.machine.coresBusy} of ${cpu.machine.cores} cores`;
  return machineSaturated(cpu)
    ? `${stack}${machine}: saturated, so this is the machine's CPU divided by the rate, not what a payment needs (compare latency, or CPU at a rate below saturation)`
    : `${stack}${machine}`;
}

export function fellBehindWarning(step: OpenLoopStepResult): string[] {
  const bar = '!'.repeat(100);
  return [
    bar,
    `!! WARNING: THE CLIENT FELL BEHIND ITS SCHEDULE at ${step.offeredRate}/s: send lag p99 ${ms(step.sendLag.p99Ms)} ms (limit ${SEND_LAG_P99_LIMIT_MS} ms), max ${ms(step.sendLag.maxMs)} ms, ${step.load.preparedLate} payment(s) not prepared in time.`,
    '!! The latency figures still count from the scheduled moments, but part of them is the client, not kirim: the machine (or the',
    '!! bench process) could not keep up. Run the bench on another machine, or at a lower rate, before reading this step as kirim.',
    bar,
  ];
}

/** One row per step: what was offered, what completed, what was shed, and the latency from the scheduled moment to final. */
export function sweepTable(steps: readonly OpenLoopStepResult[], ceiling: CeilingResult | null): string[] {
  const ceilingHeader = ceiling ? ceiling.variants.map((variant) => `% of PG ${variant.paymentsPerTransaction}/tx`) : [];
  const header = ['offered/s', 'completed/s', 'shed', 'refused', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'send lag p99', 'stack CPU ms/payment', 'SQL statements/payment', ...ceilingHeader, 'verdict'];
  const rows = steps.map((step) => {
    const latency = step.figures.scheduledToFinal;
    const refused = Object.values(step.load.refusals).reduce((sum, count) => sum + count, 0);
    return [
      String(step.offeredRate),
      String(step.figures.completedPerSecond),
      String(step.load.shed),
      String(refused),
      ms(latency.p50Ms),
      ms(latency.p90Ms),
      ms(latency.p99Ms),
      ms(latency.p999Ms),
      ms(latency.maxMs),
      `${ms(step.sendLag.p99Ms)}${step.clientFellBehind ? ' (!)' : ''}`,
      step.stackCpu ? String(step.stackCpu.totalMsPerPayment) : '-',
      step.databaseWork && step.databaseWork.totalPerPayment.statements !== null ? String(step.databaseWork.totalPerPayment.statements) : '-',
      ...(ceiling ? ceiling.variants.map((variant) => `${((step.figures.completedPerSecond / variant.paymentsPerSecond) * 100).toFixed(1)} %`) : []),
      step.ok ? 'OK' : 'FAILED',
    ];
  });
  return ['| ' + header.join(' | ') + ' |', '| ' + header.map(() => '---').join(' | ') + ' |', ...rows.map((row) => '| ' + row.join(' | ') + ' |')];
}
