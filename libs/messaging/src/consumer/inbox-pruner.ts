import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

export interface InboxPrunerOptions {
  /** Inbox rows older than this are deleted: longer than any topic's retention, so no redelivery can still come. */
  readonly retentionDays: number;
  readonly intervalMs: number;
  /** Rows deleted per statement, so pruning never holds long locks or bloats one transaction. */
  readonly batchSize: number;
}

/**
 * Keeps the inbox from growing with all traffic. The inbox only has to remember a message for as
 * long as Kafka could deliver it again, i.e. the topic's retention (7 days by default).
 */
export class InboxPruner {
  private readonly logger = new Logger(InboxPruner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: InboxPrunerOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.prune()
        .then((deleted) => {
          if (deleted > 0) this.logger.log(`pruned ${deleted} inbox rows older than ${this.options.retentionDays} days`);
        })
        .catch((error: unknown) => this.logger.warn(`inbox pruning failed, will retry: ${String(error)}`))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Deletes expired rows in batches; returns how many went. */
  async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      // A SELECT around the DELETE: TypeORM hands back rows for it (for a bare DELETE it returns [rows, count]).
      const [{ deleted }] = (await this.dataSource.query(
        `WITH gone AS (
           DELETE FROM inbox_messages WHERE ctid IN (
             SELECT ctid FROM inbox_messages WHERE processed_at < now() - make_interval(days => $1) LIMIT $2
           ) RETURNING 1
         ) SELECT count(*)::int AS deleted FROM gone`,
        [this.options.retentionDays, this.options.batchSize],
      )) as [{ deleted: number }];
      total += deleted;
      if (deleted < this.options.batchSize) return total;
    }
  }
}
