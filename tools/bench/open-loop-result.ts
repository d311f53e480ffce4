import type { BacklogPeaks } from './backlog-watch';
import { CeilingResult } from './pg-ceiling';
import { LatencySummary } from './latency';
import { StepFigures } from './open-loop-figures';
import { RunVerdict } from './run-verdict';
import { DatabaseWorkFigures } from './database-work';
import { StackCpuFigures } from './stack-cpu';

/**
 * What an open-loop run writes (.local/bench/last.json, or --result-file): the PostgreSQL ceiling and,
 * per step, its load, figures and verdict. Unlike a closed-loop run's result it holds no per-payment
 * record (a sweep has hundreds of thousands): nothing re-judges an open-loop run later.
 */
export interface OpenLoopResult {
  readonly mode: 'open-loop' | 'ceiling-only';
  readonly finishedAt: string;
  readonly commit: string;
  readonly edge: string | null;
  readonly options: Readonly<Record<string, unknown>>;
  readonly ceiling: CeilingResult | null;
  readonly steps: readonly OpenLoopStepResult[];
  readonly ok: boolean;
}

export interface OpenLoopStepResult {
  readonly offeredRate: number;
  readonly durationSeconds: number;
  readonly users: number;
  readonly seeding: { readonly seconds: number; readonly usersPerSecond: number; readonly parallelism: number; readonly sessionsRenewedBeforeLoad: number };
  readonly load: {
    readonly scheduled: number;
    readonly sent: number;
    readonly accepted: number;
    readonly shed: number;
    readonly shedAnswers: number;
    readonly throttledAnswers: number;
    readonly refusals: Readonly<Record<string, number>>;
    readonly unanswered: number;
    readonly resent: number;
    readonly retries: Readonly<Record<string, number>>;
    readonly notPrepared: number;
    readonly clientErrors: number;
    readonly preparedLate: number;
    readonly peakInFlight: number;
    readonly peakSockets: number;
    readonly sessionsRefreshed: number;
  };
  readonly sendLag: LatencySummary;
  readonly clientFellBehind: boolean;
  readonly client: { readonly cpuSeconds: number; readonly eventLoopUtilization: number };
  /** The stack's CPU from the first send until every accepted payment was final, per final payment (stack-cpu.ts); null without /proc. */
  readonly stackCpu: StackCpuFigures | null;
  /** The stack's databases over the same window, per final payment (database-work.ts); null when PostgreSQL could not be read. */
  readonly databaseWork: DatabaseWorkFigures | null;
  /** Where work waited: each service's consumer lag and outbox at their peaks over the same window (backlog-watch.ts); null when not sampled. */
  readonly backlog: BacklogPeaks | null;
  readonly figures: StepFigures;
  /** From the 202 to the bench's consumer seeing the final event (latency only, never the verdict). */
  readonly finalEventAfterAcceptance: LatencySummary;
  /** kirim's completed/s over the PostgreSQL ceiling's payments/s, per payments-per-transaction variant. */
  readonly ofCeiling: Readonly<Record<string, number>>;
  readonly verdict: RunVerdict;
  readonly ok: boolean;
}
