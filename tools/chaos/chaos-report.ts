import { formatMinor } from '../../apps/e2e/src/support/api';
import { verdictLines } from '../bench/bench-report';
import { BenchResult } from '../bench/bench-result';
import { RunVerdict } from '../bench/run-verdict';
import { FinalWithinRecovery } from './chaos-verdict';
import { DisruptionRecord } from './stack-disruptions';

/** What `npm run chaos` writes to .local/chaos/last.json (or --result-file). */
export interface ChaosResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly disruptions: readonly (DisruptionRecord & { readonly startedAtIso: string; readonly secondsIntoRun: number; readonly recoverySeconds: number })[];
  readonly bench: { readonly exitCode: number; readonly resultFile: string; readonly verdict: RunVerdict; readonly load: BenchResult['load'] };
  /** The bench's Kafka consumer (latency only): the final events it saw, before and after the broker's restart. */
  readonly benchConsumer: {
    readonly finalPayments: number;
    readonly finalEventsSeen: number;
    /** Final events it saw after the broker recovered; null when the broker was not restarted. */
    readonly seenAfterBrokerRecovery: number | null;
    readonly crashes: number;
    readonly replacedConsumers: number;
  };
  readonly verdict: RunVerdict;
  readonly finalWithinRecovery: FinalWithinRecovery;
  readonly agreement: { readonly agrees: boolean; readonly differences: readonly string[] };
  readonly ok: boolean;
  readonly failures: readonly string[];
}

const inr = (minor: string): string => formatMinor(BigInt(minor));

/** The report's table, in Markdown (docs/benchmarks.md quotes it). */
export function chaosTable(result: ChaosResult): string[] {
  const { verdict, finalWithinRecovery: within } = result;
  const { before, after } = verdict.ledger;
  return [
    '| measure | value |',
    '| --- | --- |',
    `| payments accepted | ${verdict.accepted} |`,
    `| final within ${within.allowanceSeconds} s of recovery | ${within.inTime} (${within.percent.toFixed(1)} %) |`,
    `| lost (not final, or ledger disagrees) | ${verdict.lost} (${verdict.notFinal} not final, ${verdict.ledgerDisagrees} ledger disagrees) |`,
    `| moved twice | ${verdict.movedTwice} |`,
    `| ledger total INR, before / after | ${inr(before.totalMinor)} / ${inr(after.totalMinor)} |`,
    `| customers' total INR, before / after | ${inr(before.customerTotalMinor)} / ${inr(after.customerTotalMinor)} |`,
    `| unreconciled accounts, before / after | ${before.unreconciledAccounts} / ${after.unreconciledAccounts} |`,
    `| bench verdict agrees | ${result.agreement.agrees ? 'yes' : 'no'} (bench exit ${result.bench.exitCode}) |`,
  ];
}

export function printChaosReport(result: ChaosResult): void {
  console.log('');
  console.log('kirim chaos');
  console.log(`  ${'disruption'.padEnd(42)}${'at (s)'.padStart(8)}${'recovered after (s)'.padStart(22)}`);
  for (const disruption of result.disruptions) {
    console.log(`  ${disruption.description.padEnd(42)}${disruption.secondsIntoRun.toFixed(1).padStart(8)}${disruption.recoverySeconds.toFixed(1).padStart(22)}`);
  }
  const load = result.bench.load;
  console.log(`  load: ${load.submitted} submitted, ${load.accepted} accepted, ${load.resent} sent more than once, ${load.unanswered} never answered; refused: ${JSON.stringify(load.refusals)}`);
  const consumer = result.benchConsumer;
  console.log(
    `  bench consumer: saw ${consumer.finalEventsSeen} of ${consumer.finalPayments} final events${consumer.seenAfterBrokerRecovery !== null ? ` (${consumer.seenAfterBrokerRecovery} after the broker's recovery)` : ''}; ${consumer.crashes} crash(es), ${consumer.replacedConsumers} replaced`,
  );
  console.log('');
  for (const line of chaosTable(result)) console.log(`  ${line}`);
  console.log('');
  for (const line of verdictLines(result.verdict)) console.log(line);
  for (const late of result.finalWithinRecovery.late.slice(0, 10)) console.log(`      late: ${late.paymentId} ${late.status ?? 'unreadable'}, accepted ${late.acceptedAt}, final ${late.finalAt ?? 'never'}, due ${late.dueBy}`);
  for (const difference of result.agreement.differences) console.log(`    - bench disagrees: ${difference}`);
  console.log(`  chaos: ${result.ok ? 'OK' : 'FAILED'}`);
  console.log('');
}
