import type { Money, PaymentStatus } from '@kirim/contracts';
import type { LegExpectation, LegName, MismatchFinding, MismatchKind } from './leg-comparison';
import type { BankLegState } from '@kirim/contracts';

export type ReconciliationTrigger = 'schedule' | 'operator';
export type ReconciliationRunStatus = 'running' | 'completed' | 'failed';

export interface ReconciliationRun {
  readonly runId: string;
  readonly trigger: ReconciliationTrigger;
  /** The operator who started it; null for a scheduled run. */
  readonly requestedBy: string | null;
  readonly status: ReconciliationRunStatus;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly paymentsChecked: number;
  readonly legsChecked: number;
  readonly mismatches: number;
  readonly mismatchesByKind: readonly { readonly kind: MismatchKind; readonly count: number }[];
  readonly failureReason: string | null;
}

export interface StoredMismatch {
  /** Its position: pages continue after it. */
  readonly mismatchId: string;
  readonly runId: string;
  readonly paymentId: string;
  readonly paymentStatus: PaymentStatus;
  readonly leg: LegName | 'unexpected';
  readonly requestId: string;
  readonly kind: MismatchKind;
  readonly expected: LegExpectation | null;
  readonly bankState: BankLegState;
  readonly expectedAmount: Money | null;
  readonly bankAmount: Money | null;
  readonly detail: string;
}

export interface NewRun {
  readonly runId: string;
  readonly trigger: ReconciliationTrigger;
  readonly requestedBy: string | null;
  readonly startedAt: Date;
  /** A run still `running` that started before this was abandoned by its process: it is failed first. */
  readonly abandonedBefore: Date;
}

export interface MismatchPageQuery {
  readonly runId: string;
  /** The mismatchId of the last one of the previous page. */
  readonly after?: string;
  readonly kind?: MismatchKind;
  readonly limit: number;
}

/** Reconciliation runs and their mismatches (port); TypeOrmReconciliationRuns keeps them in PostgreSQL. */
export abstract class ReconciliationRuns {
  /** Records a running run, unless another is running: then its id. */
  abstract start(run: NewRun): Promise<{ readonly started: true } | { readonly started: false; readonly runningRunId: string }>;
  /** Completes a run and stores its mismatches, in one transaction. */
  abstract complete(runId: string, result: { readonly finishedAt: Date; readonly paymentsChecked: number; readonly legsChecked: number; readonly mismatches: readonly MismatchFinding[] }): Promise<void>;
  abstract fail(runId: string, result: { readonly finishedAt: Date; readonly paymentsChecked: number; readonly legsChecked: number; readonly reason: string }): Promise<void>;
  abstract find(runId: string): Promise<ReconciliationRun | null>;
  /** The run started last, whatever its status. */
  abstract latest(): Promise<ReconciliationRun | null>;
  abstract mismatches(query: MismatchPageQuery): Promise<StoredMismatch[]>;
}
