import { Logger } from '@nestjs/common';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { CreateMessagingRecoveryTables1764700000000 } from '../persistence/messaging-recovery-tables.migration';
import { CreateMessagingTables1764288000000 } from '../persistence/messaging-tables.migration';
import { InboxMessageEntity } from '../persistence/inbox-message.entity';
import { OutboxMessageEntity } from '../persistence/outbox-message.entity';
import { INBOX_PRUNE_BATCH_SQL, InboxPruner, InboxPrunerOptions } from './inbox-pruner';

/** The inbox pruner against the real table and its index, as a service's migrations make them. */
describe('InboxPruner (PostgreSQL)', () => {
  let migrated: MigratedTestDatabase;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    migrated = await createMigratedTestDatabase('inbox_pruner', {
      entities: [OutboxMessageEntity, InboxMessageEntity],
      migrations: [CreateMessagingTables1764288000000, CreateMessagingRecoveryTables1764700000000],
    });
  });
  afterAll(async () => migrated.close());

  beforeEach(async () => {
    await migrated.dataSource.query('TRUNCATE inbox_messages');
  });

  /** `count` inbox rows named `<prefix>-<n>`, processed `age` ago plus n milliseconds (n = 0 is the oldest). */
  async function writeInbox(prefix: string, count: number, age: string): Promise<void> {
    await migrated.dataSource.query(
      `INSERT INTO inbox_messages (consumer_group, source, message_id, topic, partition, kafka_offset, outcome, processed_at)
       SELECT 'kirim.payments', '/kirim/bank-connector', $1 || '-' || n, 'bank.responses.v1', n % 6, n, 'applied',
              now() - $3::interval + make_interval(secs => n * 0.001)
         FROM generate_series(0, $2::int - 1) AS n`,
      [prefix, count, age],
    );
  }

  async function messageIds(): Promise<string[]> {
    const rows = (await migrated.dataSource.query('SELECT message_id FROM inbox_messages ORDER BY processed_at')) as { message_id: string }[];
    return rows.map((row) => row.message_id);
  }

  const prunerWith = (options: Partial<InboxPrunerOptions>) =>
    new InboxPruner(migrated.dataSource, { retentionDays: 14, intervalMs: 60_000, batchSize: 10, maxBatchesPerRun: 100, ...options });

  it('deletes only rows older than the retention, oldest first, a bounded number of batches per run', async () => {
    await writeInbox('expired', 25, '20 days');
    // Inside the window by an hour: a redelivery could still come for these, so they stay.
    await writeInbox('inside', 5, '13 days 23 hours');
    await writeInbox('fresh', 5, '1 minute');
    const pruner = prunerWith({ batchSize: 10, maxBatchesPerRun: 2 });

    expect(await pruner.pruneRun()).toEqual({ deleted: 20, batches: 2, caughtUp: false });
    const afterFirst = await messageIds();
    expect(afterFirst.slice(0, 5)).toEqual(['expired-20', 'expired-21', 'expired-22', 'expired-23', 'expired-24']);

    expect(await pruner.pruneRun()).toEqual({ deleted: 5, batches: 1, caughtUp: true });
    expect(await messageIds()).toEqual(['inside-0', 'inside-1', 'inside-2', 'inside-3', 'inside-4', 'fresh-0', 'fresh-1', 'fresh-2', 'fresh-3', 'fresh-4']);
    expect(await pruner.pruneRun()).toEqual({ deleted: 0, batches: 1, caughtUp: true });
  });

  it('finds a batch through the processed_at index, without scanning the table', async () => {
    await writeInbox('expired', 20_000, '20 days');
    await writeInbox('fresh', 20_000, '1 day');
    await migrated.dataSource.query('ANALYZE inbox_messages');
    const [{ cutoff }] = (await migrated.dataSource.query(`SELECT (now() - interval '14 days')::text AS cutoff`)) as [{ cutoff: string }];
    const plan = (await migrated.dataSource.query(`EXPLAIN (FORMAT JSON) ${INBOX_PRUNE_BATCH_SQL}`, [cutoff, '-infinity', 5000])) as [{ 'QUERY PLAN': unknown }];
    const text = JSON.stringify(plan[0]['QUERY PLAN']);
    expect(text).toContain('"Index Name":"inbox_messages_processed_at"');
    expect(text).toContain('"Node Type":"Tid Scan"');
    expect(text).not.toContain('"Node Type":"Seq Scan"');
    // The plan is only half the point: the rows go too.
    expect(await prunerWith({ batchSize: 5000 }).prune()).toBe(20_000);
    expect(await migrated.dataSource.query(`SELECT count(*)::int AS left FROM inbox_messages WHERE message_id LIKE 'fresh-%'`)).toEqual([{ left: 20_000 }]);
  });

  it('lets several replicas prune at once, on disjoint rows: each expired row is deleted exactly once', async () => {
    await writeInbox('expired', 3000, '15 days');
    await writeInbox('fresh', 100, '1 hour');
    const replicas = [prunerWith({ batchSize: 100 }), prunerWith({ batchSize: 100 }), prunerWith({ batchSize: 100 })];
    const runs = await Promise.all(replicas.map(async (pruner) => {
      let deleted = 0;
      // Each keeps going until it sees nothing left, as the schedule would.
      for (;;) {
        const run = await pruner.pruneRun();
        deleted += run.deleted;
        if (run.deleted === 0) return deleted;
      }
    }));
    expect(runs.reduce((sum, deleted) => sum + deleted, 0)).toBe(3000);
    expect(await migrated.dataSource.query('SELECT count(*)::int AS left FROM inbox_messages')).toEqual([{ left: 100 }]);
  });
});
