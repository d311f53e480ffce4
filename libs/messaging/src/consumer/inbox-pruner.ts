import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { MAIN_TOPIC_RETENTION_MS } from '@kirim/contracts';
import { describeError } from '../describe-error';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface InboxPrunerOptions {
  /**
   * Inbox rows older than this are deleted. It must outlast every way a message can come again
   * (docs/benchmarks.md, "Housekeeping"): Kafka rereads a record only while the topic still holds it.
   */
  readonly retentionDays: number;
  /** Pause after a run that left nothing expired behind. */
  readonly intervalMs: number;
  /** Rows deleted per statement, each its own short transaction: no long locks, no long-open snapshot. */
  readonly batchSize: number;
  /** Most batches one run deletes; what it leaves goes in the next run, `busyPauseMs` later (default 200). */
  readonly maxBatchesPerRun?: number;
  /** Pause after a run that spent its budget with rows left (default 1 s): gives the disk back to the hot path. */
  readonly busyPauseMs?: number;
}

/** What one run did. */
export interface InboxPruneRun {
  readonly deleted: number;
  readonly batches: number;
  /** Nothing that was expired when the run began is left (false: the budget or a stop came first). */
  readonly caughtUp: boolean;
}

const DEFAULT_MAX_BATCHES_PER_RUN = 200;
const DEFAULT_BUSY_PAUSE_MS = 1000;
/** The first run after start comes this soon (or after intervalMs if shorter), so a service restarted more often than its interval still prunes. */
const FIRST_RUN_AFTER_MS = 60_000;

/** The run's cutoff, fixed when it begins: the run deletes what had expired by then and no more. */
export const INBOX_PRUNE_CUTOFF_SQL = `SELECT (now() - make_interval(days => $1))::text AS cutoff`;

/**
 * One batch: the oldest expired rows from `$2` on, by the processed_at index (in order, so it
 * stops after `$3` entries: no scan of the table, and the keyset `$2` skips the index entries of
 * rows already deleted, which stay until vacuum). SKIP LOCKED lets several replicas prune at once
 * on disjoint rows instead of queueing behind one another. The rows are deleted by ctid, a direct
 * heap lookup. `reached` is where the next batch starts.
 */
export const INBOX_PRUNE_BATCH_SQL = `
  WITH batch AS (
    SELECT ctid FROM inbox_messages
     WHERE processed_at < $1::timestamptz AND processed_at >= $2::timestamptz
     ORDER BY processed_at
     LIMIT $3
     FOR UPDATE SKIP LOCKED
  ), gone AS (
    DELETE FROM inbox_messages WHERE ctid = ANY (ARRAY(SELECT ctid FROM batch)) RETURNING processed_at
  )
  SELECT count(*)::int AS deleted, max(processed_at)::text AS reached FROM gone`;

/**
 * Keeps the inbox from growing with all traffic. A consumer records every message it handles
 * (inbox_messages), so at 1,000 payments a second each service's inbox gains thousands of rows a
 * second; this deletes them again once no redelivery can come, at the pace they arrive: in batches
 * of `batchSize` rows, each its own statement, until nothing expired is left or the run's budget
 * is spent, then again after a pause.
 */
export class InboxPruner {
  private readonly logger = new Logger(InboxPruner.name);
  private readonly maxBatchesPerRun: number;
  private readonly busyPauseMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: InboxPrunerOptions,
  ) {
    // Below the topics' retention, a record still in Kafka could be delivered again after its row
    // is gone, and applied twice: refuse to start rather than prune too early.
    if (!(options.retentionDays * DAY_MS > MAIN_TOPIC_RETENTION_MS)) {
      throw new Error(`inbox retention of ${options.retentionDays} days must exceed the topics' retention of ${MAIN_TOPIC_RETENTION_MS / DAY_MS} days`);
    }
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error(`inbox prune batch size must be a positive integer, got ${options.batchSize}`);
    this.maxBatchesPerRun = options.maxBatchesPerRun ?? DEFAULT_MAX_BATCHES_PER_RUN;
    this.busyPauseMs = options.busyPauseMs ?? DEFAULT_BUSY_PAUSE_MS;
  }

  start(): void {
    this.stopping = false;
    this.schedule(Math.min(this.options.intervalMs, FIRST_RUN_AFTER_MS));
  }

  /** Stops between two batches: a run in progress ends after the statement it is in. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Deletes rows that have expired, a batch at a time, until none is left or the run's budget
   * (`maxBatchesPerRun`) is spent; returns how many went.
   */
  async prune(): Promise<number> {
    return (await this.pruneRun()).deleted;
  }

  /** One run, with its budget. */
  async pruneRun(): Promise<InboxPruneRun> {
    const [{ cutoff }] = (await this.dataSource.query(INBOX_PRUNE_CUTOFF_SQL, [this.options.retentionDays])) as [{ cutoff: string }];
    let from = '-infinity';
    let deleted = 0;
    let batches = 0;
    while (batches < this.maxBatchesPerRun && !this.stopping) {
      // A SELECT around the DELETE: TypeORM hands back rows for it (for a bare DELETE it returns [rows, count]).
      const [batch] = (await this.dataSource.query(INBOX_PRUNE_BATCH_SQL, [cutoff, from, this.options.batchSize])) as [{ deleted: number; reached: string | null }];
      batches += 1;
      deleted += batch.deleted;
      // Short: nothing expired is left, or what is left is another replica's batch in progress.
      if (batch.deleted < this.options.batchSize || batch.reached === null) return { deleted, batches, caughtUp: true };
      from = batch.reached;
    }
    return { deleted, batches, caughtUp: false };
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.runAndReschedule().finally(() => (this.running = undefined));
    }, delayMs);
    this.timer.unref();
  }

  private async runAndReschedule(): Promise<void> {
    let next = this.options.intervalMs;
    try {
      const run = await this.pruneRun();
      if (run.deleted > 0) this.logger.log(`pruned ${run.deleted} inbox rows older than ${this.options.retentionDays} days in ${run.batches} batches${run.caughtUp ? '' : '; more to go'}`);
      if (!run.caughtUp) next = this.busyPauseMs;
    } catch (error) {
      this.logger.warn(`inbox pruning failed, will retry: ${describeError(error)}`);
    }
    this.schedule(next);
  }
}
