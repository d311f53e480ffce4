import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OUTBOX_OLDEST_AGE_SQL } from '@kirim/messaging';
import { readWithStatementTimeout } from '@kirim/platform';
import { SagaLagRepository } from './saga-lag.repository';

/**
 * The age of the oldest unpublished outbox row, by the database's clock: one read of the outbox's
 * primary key from its first end (the relay publishes and deletes from there), so its cost does
 * not grow with the backlog or with the payments' history. The outbox gauges' oldest-age read
 * (libs/messaging outbox-backlog.ts), without their counts, which admission does not need four
 * times a second.
 */
export const SAGA_LAG_SQL = `SELECT COALESCE((${OUTBOX_OLDEST_AGE_SQL}), 0) AS outbox_age`;

/** A read slower than this means the database itself is in trouble: the sample is skipped, and the last one ages. */
const READ_TIMEOUT_MS = 1_000;

@Injectable()
export class TypeOrmSagaLagRepository extends SagaLagRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async readLagSeconds(): Promise<number> {
    const [row] = await readWithStatementTimeout(this.dataSource, READ_TIMEOUT_MS, (manager): Promise<{ outbox_age: number }[]> => manager.query(SAGA_LAG_SQL));
    // occurred_at is stamped by the writing replica's clock: one running ahead of the database's does not make a negative lag.
    return Math.max(0, row.outbox_age);
  }
}
