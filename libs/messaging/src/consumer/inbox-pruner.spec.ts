import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { INBOX_PRUNE_BATCH_SQL, INBOX_PRUNE_CUTOFF_SQL, InboxPruner, InboxPrunerOptions } from './inbox-pruner';

const CUTOFF = '2026-11-17 10:00:00.123456+00';

interface Batch {
  readonly deleted: number;
  readonly reached: string | null;
}

/**
 * A DataSource whose batches delete what `batches` says, in turn (then nothing); records the
 * parameters of every statement. `gate` lets a test hold a batch in flight.
 */
function fakeDatabase(batches: Batch[], gate?: () => Promise<void>) {
  const statements: { sql: string; params: unknown[] }[] = [];
  const query = jest.fn(async (sql: string, params: unknown[]) => {
    statements.push({ sql, params });
    if (sql === INBOX_PRUNE_CUTOFF_SQL) return [{ cutoff: CUTOFF }];
    if (sql === INBOX_PRUNE_BATCH_SQL) {
      await gate?.();
      return [batches.shift() ?? { deleted: 0, reached: null }];
    }
    throw new Error(`unexpected statement: ${sql}`);
  });
  const batchParams = () => statements.filter((statement) => statement.sql === INBOX_PRUNE_BATCH_SQL).map((statement) => statement.params);
  return { dataSource: { query } as unknown as DataSource, statements, batchParams };
}

const full = (reached: string): Batch => ({ deleted: 3, reached });

function pruner(dataSource: DataSource, options: Partial<InboxPrunerOptions> = {}): InboxPruner {
  return new InboxPruner(dataSource, { retentionDays: 14, intervalMs: 600_000, batchSize: 3, maxBatchesPerRun: 10, busyPauseMs: 1000, ...options });
}

beforeAll(() => Logger.overrideLogger(false));

describe('InboxPruner.pruneRun', () => {
  it('deletes batch after batch until a short one, each from where the last one reached, against one cutoff', async () => {
    const db = fakeDatabase([full('2026-11-01 00:00:01+00'), full('2026-11-02 00:00:02.5+00'), { deleted: 1, reached: '2026-11-03 00:00:00+00' }]);
    const run = await pruner(db.dataSource).pruneRun();
    expect(run).toEqual({ deleted: 7, batches: 3, caughtUp: true });
    expect(db.statements[0]).toEqual({ sql: INBOX_PRUNE_CUTOFF_SQL, params: [14] });
    expect(db.batchParams()).toEqual([
      [CUTOFF, '-infinity', 3],
      [CUTOFF, '2026-11-01 00:00:01+00', 3],
      [CUTOFF, '2026-11-02 00:00:02.5+00', 3],
    ]);
  });

  it('stops when the run has spent its budget of batches, and says rows are left', async () => {
    const db = fakeDatabase([full('a'), full('b'), full('c'), full('d')]);
    const run = await pruner(db.dataSource, { maxBatchesPerRun: 2 }).pruneRun();
    expect(run).toEqual({ deleted: 6, batches: 2, caughtUp: false });
    expect(db.batchParams()).toHaveLength(2);
  });

  it('asks once and stops when nothing has expired', async () => {
    const db = fakeDatabase([]);
    expect(await pruner(db.dataSource).prune()).toBe(0);
    expect(db.batchParams()).toHaveLength(1);
  });

  it('takes the batch size from its options and never widens it', async () => {
    const db = fakeDatabase([{ deleted: 5000, reached: 'x' }, { deleted: 12, reached: 'y' }]);
    await pruner(db.dataSource, { batchSize: 5000 }).pruneRun();
    expect(db.batchParams().map((params) => params[2])).toEqual([5000, 5000]);
  });
});

describe('InboxPruner options', () => {
  const { dataSource } = fakeDatabase([]);

  it.each([1, 7])('refuses a retention of %i days: Kafka keeps records 7 days and could deliver one again after its row is gone', (retentionDays) => {
    expect(() => pruner(dataSource, { retentionDays })).toThrow(/must exceed the topics' retention of 7 days/);
  });

  it('accepts a retention longer than the topics keep records', () => {
    expect(() => pruner(dataSource, { retentionDays: 8 })).not.toThrow();
  });

  it.each([0, -1, 1.5])('refuses a batch size of %p', (batchSize) => {
    expect(() => pruner(dataSource, { batchSize })).toThrow(/batch size/);
  });
});

describe('InboxPruner schedule', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const runs = (db: ReturnType<typeof fakeDatabase>) => db.statements.filter((statement) => statement.sql === INBOX_PRUNE_CUTOFF_SQL).length;

  it('runs a minute after start, then again after a short pause while rows are left, then after the interval', async () => {
    // Budget 2 batches: the first run spends it, the second catches up.
    const db = fakeDatabase([full('a'), full('b'), { deleted: 1, reached: 'c' }]);
    const subject = pruner(db.dataSource, { maxBatchesPerRun: 2 });
    subject.start();
    await jest.advanceTimersByTimeAsync(59_999);
    expect(runs(db)).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs(db)).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs(db)).toBe(2);
    await jest.advanceTimersByTimeAsync(599_999);
    expect(runs(db)).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs(db)).toBe(3);
    await subject.stop();
  });

  it('starts after the interval when that is shorter than a minute', async () => {
    const db = fakeDatabase([]);
    const subject = pruner(db.dataSource, { intervalMs: 5000 });
    subject.start();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs(db)).toBe(1);
    await subject.stop();
  });

  it('keeps its schedule after a failed run', async () => {
    const db = fakeDatabase([]);
    const query = db.dataSource.query as jest.Mock;
    const subject = pruner(db.dataSource, { intervalMs: 5000 });
    query.mockRejectedValueOnce(new Error('connection reset'));
    subject.start();
    await jest.advanceTimersByTimeAsync(5000);
    await jest.advanceTimersByTimeAsync(5000);
    expect(query.mock.calls.filter(([sql]) => sql === INBOX_PRUNE_CUTOFF_SQL)).toHaveLength(2);
    await subject.stop();
  });

  it('stops between batches: stop() waits for the statement in flight and no other follows', async () => {
    let release: () => void = () => undefined;
    const db = fakeDatabase([full('a'), full('b'), full('c')], () => new Promise<void>((resolve) => (release = resolve)));
    const subject = pruner(db.dataSource, { intervalMs: 5000 });
    subject.start();
    await jest.advanceTimersByTimeAsync(5000);
    expect(db.batchParams()).toHaveLength(1);
    const stopped = subject.stop();
    release();
    await stopped;
    expect(db.batchParams()).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(600_000);
    expect(runs(db)).toBe(1);
  });
});
