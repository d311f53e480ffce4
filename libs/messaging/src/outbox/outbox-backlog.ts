import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { catalogued, readWithStatementTimeout, ScrapeTimeRead, serviceMetrics } from '@kirim/platform';

/** What waits in the service's outbox, as a scrape sees it. */
export interface OutboxBacklog {
  /** Rows not yet published: exact up to EXACT_COUNT_LIMIT, above it the span of their positions. */
  readonly unpublished: number;
  /** Seconds since the oldest unpublished row was written; 0 with none. */
  readonly oldestAgeSeconds: number;
  /** Rows set aside in outbox_quarantine: exact up to EXACT_COUNT_LIMIT, then EXACT_COUNT_LIMIT. */
  readonly quarantined: number;
}

/**
 * Counting is exact up to this many rows, which an index scan reads in a few milliseconds. A
 * backlog past it (the broker away for a while) is estimated from the first and last positions,
 * two reads of the primary key however long it is: the estimate counts positions a rolled-back
 * transaction took, so it is an upper bound, and close enough to see a backlog grow or drain.
 */
export const EXACT_COUNT_LIMIT = 10_000;

/** A scrape waits this long for the database, then goes on with NaN for these gauges. */
const SCRAPE_READ_TIMEOUT_MS = 2_000;

/**
 * The backlog in one statement. Each part reads an index from one end (the primary keys, in
 * position order) or a bounded number of entries, so its cost does not grow with the backlog.
 * $1: EXACT_COUNT_LIMIT + 1.
 */
/**
 * Seconds since the oldest unpublished row was written, by the database's clock (no row: no result):
 * one read of the primary key from the end the relay publishes from, whatever the backlog's size.
 */
export const OUTBOX_OLDEST_AGE_SQL = 'SELECT extract(epoch FROM clock_timestamp() - occurred_at)::float8 FROM outbox_messages ORDER BY position ASC LIMIT 1';

export const OUTBOX_BACKLOG_SQL = `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM outbox_messages ORDER BY position LIMIT $1) AS head) AS counted,
       (SELECT position FROM outbox_messages ORDER BY position ASC LIMIT 1)::text AS first,
       (SELECT position FROM outbox_messages ORDER BY position DESC LIMIT 1)::text AS last,
       (${OUTBOX_OLDEST_AGE_SQL}) AS oldest_age,
       (SELECT count(*)::int FROM (SELECT 1 FROM outbox_quarantine ORDER BY position LIMIT $1) AS aside) AS quarantined`;

export async function readOutboxBacklog(dataSource: DataSource, timeoutMs: number = SCRAPE_READ_TIMEOUT_MS): Promise<OutboxBacklog> {
  const [row] = await readWithStatementTimeout(
    dataSource,
    timeoutMs,
    (manager): Promise<{ counted: number; first: string | null; last: string | null; oldest_age: number | null; quarantined: number }[]> =>
      manager.query(OUTBOX_BACKLOG_SQL, [EXACT_COUNT_LIMIT + 1]),
  );
  const unpublished = row.counted <= EXACT_COUNT_LIMIT || row.first === null || row.last === null ? row.counted : Number(BigInt(row.last) - BigInt(row.first) + 1n);
  return {
    unpublished,
    // A row written by a replica whose clock runs ahead of the database's is not from the future.
    oldestAgeSeconds: Math.max(0, row.oldest_age ?? 0),
    quarantined: Math.min(row.quarantined, EXACT_COUNT_LIMIT),
  };
}

/**
 * The outbox gauges, read from the database when Prometheus scrapes (one read for the three). The
 * relay points them at its database when it starts (`watch`); before that, and whenever the
 * database does not answer in time, they show NaN rather than fail the scrape or show 0.
 */
class OutboxBacklogGauges {
  private read?: ScrapeTimeRead<OutboxBacklog>;

  constructor() {
    this.gauge('kirim_outbox_unpublished_messages', (backlog) => backlog.unpublished);
    this.gauge('kirim_outbox_oldest_unpublished_age_seconds', (backlog) => backlog.oldestAgeSeconds);
    this.gauge('kirim_outbox_quarantined_messages', (backlog) => backlog.quarantined);
  }

  watch(dataSource: DataSource): void {
    this.read = new ScrapeTimeRead(() => readOutboxBacklog(dataSource), { name: 'outbox backlog', timeoutMs: SCRAPE_READ_TIMEOUT_MS + 500 });
  }

  private gauge(name: 'kirim_outbox_unpublished_messages' | 'kirim_outbox_oldest_unpublished_age_seconds' | 'kirim_outbox_quarantined_messages', pick: (backlog: OutboxBacklog) => number): void {
    const current = (): Promise<number> => this.current(pick);
    new Gauge({
      ...catalogued(name),
      registers: [serviceMetrics],
      async collect() {
        this.set(await current());
      },
    });
  }

  private async current(pick: (backlog: OutboxBacklog) => number): Promise<number> {
    const backlog = this.read ? await this.read.get() : null;
    return backlog === null ? Number.NaN : pick(backlog);
  }
}

export const outboxBacklogGauges = new OutboxBacklogGauges();
