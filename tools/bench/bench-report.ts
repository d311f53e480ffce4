import { formatMinor } from '../../apps/e2e/src/support/api';
import { BenchResult } from './bench-result';
import { LatencySummary } from './latency';
import { RunVerdict } from './run-verdict';

function entries(record: Readonly<Record<string, number>>): string {
  return (
    Object.entries(record)
      .map(([key, count]) => `${key}: ${count}`)
      .join(', ') || 'none'
  );
}

/** The verdict's lines, shared by the bench's and the chaos run's reports. */
export function verdictLines(verdict: RunVerdict): string[] {
  const { before, after } = verdict.ledger;
  const lines = [
    `  verdict (API and ledger): ${verdict.ok ? 'OK' : 'FAILED'} — ${verdict.accepted} accepted, ${verdict.settled} final and settled, ${verdict.lost} lost (${verdict.notFinal} not final, ${verdict.ledgerDisagrees} ledger disagrees), ${verdict.movedTwice} moved twice`,
    `  outcomes (API): ${entries(verdict.outcomes)}`,
    `  ledger INR: total ${formatMinor(BigInt(before.totalMinor))} -> ${formatMinor(BigInt(after.totalMinor))}, customers ${formatMinor(BigInt(before.customerTotalMinor))} -> ${formatMinor(BigInt(after.customerTotalMinor))}, unreconciled accounts ${before.unreconciledAccounts} -> ${after.unreconciledAccounts}${verdict.inFlightMinor !== '0' ? `; in flight in unfinished payments ${formatMinor(BigInt(verdict.inFlightMinor))}` : ''}`,
  ];
  for (const failure of verdict.failures) lines.push(`    - ${failure}`);
  for (const example of verdict.problemExamples.slice(0, 10)) {
    const judgement = example.judgement;
    lines.push(`      e.g. ${example.paymentId}: ${judgement.kind}${'detail' in judgement ? ` — ${judgement.detail}` : ` (status ${judgement.status ?? 'unreadable'})`}`);
  }
  return lines;
}

export function printBenchReport(result: BenchResult): void {
  const row = (label: string, s: LatencySummary): string =>
    `  ${label.padEnd(30)}${String(s.count).padStart(7)}${s.p50Ms.toFixed(1).padStart(10)}${s.p90Ms.toFixed(1).padStart(10)}${s.p99Ms.toFixed(1).padStart(10)}${s.maxMs.toFixed(1).padStart(10)}`;
  const load = result.load;
  const watch = result.completionWatch;
  console.log('');
  console.log('kirim bench');
  console.log(`  payments: ${load.submitted} submitted, ${load.accepted} accepted, ${load.resent} needed more than one attempt, ${load.unanswered} never answered`);
  console.log(`  refused at acceptance: ${entries(load.refusals)}`);
  console.log(`  sessions: ${load.sessionsRefreshed} refreshed, ${load.usersRebound} users signed in again`);
  console.log(`  throughput: ${result.completedPerSecond} completed payments/s over ${result.wallSecondsFirstAcceptanceToLastCompletion} s (first acceptance to last completion)`);
  console.log('');
  console.log(`  ${'latency (ms)'.padEnd(30)}${'count'.padStart(7)}${'p50'.padStart(10)}${'p90'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`);
  console.log(row('acceptance (first send -> 202)', result.acceptanceLatency));
  console.log(row('completion (202 -> final)', result.completionLatency));
  console.log(row('final event seen (Kafka)', result.finalEventLatency));
  console.log(
    `  (the bench's consumer saw ${watch.finalEventsSeen} final events; ${watch.crashes} crash(es), ${watch.replacedConsumers} consumer(s) replaced${watch.error ? `; ${watch.error}` : ''}; latency only, never the verdict)`,
  );
  console.log('');
  for (const line of verdictLines(result.verdict)) console.log(line);
  console.log('');
}
