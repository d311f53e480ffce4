import { Logger } from '@nestjs/common';
import { serviceMetrics } from '@kirim/platform';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { CreateMessagingRecoveryTables1764700000000 } from '../persistence/messaging-recovery-tables.migration';
import { CreateMessagingTables1764288000000 } from '../persistence/messaging-tables.migration';
import { OutboxMessageEntity } from '../persistence/outbox-message.entity';
import { InboxMessageEntity } from '../persistence/inbox-message.entity';
import { EXACT_COUNT_LIMIT, OUTBOX_BACKLOG_SQL, outboxBacklogGauges, readOutboxBacklog } from './outbox-backlog';

/** The outbox gauges against the real tables and indexes, as a scrape reads them. */
describe('outbox backlog gauges (PostgreSQL)', () => {
  let migrated: MigratedTestDatabase;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    migrated = await createMigratedTestDatabase('outbox_backlog', {
      entities: [OutboxMessageEntity, InboxMessageEntity],
      migrations: [CreateMessagingTables1764288000000, CreateMessagingRecoveryTables1764700000000],
    });
  });
  afterAll(async () => migrated.close());

  beforeEach(async () => {
    await migrated.dataSource.query('TRUNCATE outbox_messages, outbox_quarantine');
  });

  /** `count` outbox rows, the first written `ageSeconds` ago. */
  async function writeOutbox(count: number, ageSeconds: number): Promise<void> {
    await migrated.dataSource.query(
      `INSERT INTO outbox_messages (id, topic, record_key, type, source, occurred_at, data)
       SELECT gen_random_uuid(), 'payments.events.v1', 'k', 'payments.payment.completed.v1', '/kirim/payments',
              now() - make_interval(secs => $2::float8) + make_interval(secs => n * 0.001), '{}'::jsonb
         FROM generate_series(0, $1::int - 1) AS n`,
      [count, ageSeconds],
    );
  }

  async function gauge(name: string): Promise<number | undefined> {
    return (await serviceMetrics.getSingleMetric(name)?.get())?.values[0]?.value;
  }

  it('reads an empty outbox as nothing waiting', async () => {
    expect(await readOutboxBacklog(migrated.dataSource)).toEqual({ unpublished: 0, oldestAgeSeconds: 0, quarantined: 0 });
  });

  it('counts the unpublished rows, the age of the oldest and the quarantined ones', async () => {
    await writeOutbox(25, 90);
    await migrated.dataSource.query(
      `INSERT INTO outbox_quarantine (position, id, topic, record_key, type, source, occurred_at, data, reason)
       VALUES (1, gen_random_uuid(), 'payments.events.v1', 'k', 't', 's', now(), '{}', 'too large')`,
    );
    const backlog = await readOutboxBacklog(migrated.dataSource);
    expect(backlog.unpublished).toBe(25);
    expect(backlog.quarantined).toBe(1);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(backlog.oldestAgeSeconds).toBeLessThan(90 + 60);
  });

  it('estimates a backlog past the exact count from the span of positions', async () => {
    await writeOutbox(EXACT_COUNT_LIMIT + 500, 5);
    expect((await readOutboxBacklog(migrated.dataSource)).unpublished).toBe(EXACT_COUNT_LIMIT + 500);
    // Rows published from the head leave the span exact; positions a rolled-back insert took would make it an upper bound.
    await migrated.dataSource.query('DELETE FROM outbox_messages WHERE position IN (SELECT position FROM outbox_messages ORDER BY position LIMIT 100)');
    expect((await readOutboxBacklog(migrated.dataSource)).unpublished).toBe(EXACT_COUNT_LIMIT + 400);
  });

  it('reads through the primary key, not by scanning the table', async () => {
    await writeOutbox(50, 1);
    await migrated.dataSource.query('ANALYZE outbox_messages, outbox_quarantine');
    const plan: string = await migrated.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await manager.query(`EXPLAIN ${OUTBOX_BACKLOG_SQL}`, [EXACT_COUNT_LIMIT + 1]);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index (Only )?Scan.* on outbox_messages/);
    expect(plan).toMatch(/Index (Only )?Scan.* on outbox_quarantine/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('shows the backlog on /metrics, and NaN once the database is gone, without failing the scrape', async () => {
    await writeOutbox(3, 10);
    const lost = await createMigratedTestDatabase('outbox_backlog_lost', {
      entities: [OutboxMessageEntity, InboxMessageEntity],
      migrations: [CreateMessagingTables1764288000000, CreateMessagingRecoveryTables1764700000000],
    });
    outboxBacklogGauges.watch(migrated.dataSource);
    await serviceMetrics.metrics();
    expect(await gauge('kirim_outbox_unpublished_messages')).toBe(3);

    outboxBacklogGauges.watch(lost.dataSource);
    await lost.close();
    const text = await serviceMetrics.metrics();
    expect(text).toMatch(/^kirim_outbox_unpublished_messages nan$/im);
    expect(text).toMatch(/^kirim_outbox_oldest_unpublished_age_seconds nan$/im);
  });
});
