import { Logger } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { OutboxRelay, OutboxRow } from './outbox-relay';

/** An outbox table and the relay lock, as the relay's SQL sees them; `lockHeldElsewhere` plays another replica. */
class FakeOutboxDatabase {
  rows: OutboxRow[] = [];
  lockHeldElsewhere = false;
  /** Statements in the order they came, each query's text as one entry. */
  readonly statements: string[] = [];

  readonly dataSource = {
    driver: {
      master: {
        connect: async () => ({
          query: async (sql: string) => this.query(sql),
          escapeLiteral: (text: string) => `'${text.replace(/'/g, "''")}'`,
          on: () => undefined,
          removeListener: () => undefined,
          release: () => undefined,
        }),
      },
    },
  } as unknown as DataSource;

  private async query(sql: string): Promise<unknown> {
    this.statements.push(sql);
    if (sql.startsWith('BEGIN;') && sql.includes('pg_try_advisory_xact_lock')) {
      const limit = Number(/LIMIT (\d+)/.exec(sql)?.[1]);
      // The lock's answer on every row, and one row of nulls when there is nothing to read.
      if (this.lockHeldElsewhere) return [{ rows: [] }, { rows: [{ locked: false, position: null }] }];
      const batch = this.rows.slice(0, limit);
      return [{ rows: [] }, { rows: batch.length === 0 ? [{ locked: true, position: null }] : batch.map((row) => ({ locked: true, ...row })) }];
    }
    if (sql.startsWith('DELETE FROM outbox_messages') && sql.endsWith('; COMMIT')) {
      const gone = new Set((/'\{([0-9,]*)\}'/.exec(sql)?.[1] ?? '').split(','));
      this.rows = this.rows.filter((row) => !gone.has(row.position));
      return [{ rows: [] }, { rows: [] }];
    }
    if (sql === 'COMMIT' || sql === 'ROLLBACK') return { rows: [] };
    throw new Error(`unexpected SQL in this fake: ${sql}`);
  }
}

function outboxRow(position: string): OutboxRow {
  return {
    position,
    id: `0194f3a0-0000-7000-8000-00000000000${position}`,
    topic: 'payments.events.v1',
    record_key: 'payment-1',
    type: 'kirim.payment.initiated.v1',
    source: '/kirim/payments',
    subject: null,
    occurred_at: new Date('2026-12-02T00:00:00Z'),
    data: {},
    traceparent: null,
  };
}

function fakeProducer(sent: string[]): Producer {
  return {
    events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
    on: () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async ({ topicMessages }: { topicMessages: { messages: { key: string }[] }[] }) => {
      for (const { messages } of topicMessages) sent.push(...messages.map((message) => String(message.key)));
      return [];
    },
  } as unknown as Producer;
}

describe('OutboxRelay polling', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => jest.useRealTimers());

  it('looks again within moments when another replica held the lock, instead of waiting for its next poll', async () => {
    jest.useFakeTimers();
    const database = new FakeOutboxDatabase();
    const sent: string[] = [];
    const relay = new OutboxRelay(database.dataSource, () => fakeProducer(sent), { batchSize: 10, pollIntervalMs: 1000, lockName: 'spec', topicPrefix: '' });
    database.lockHeldElsewhere = true;
    relay.start();
    await jest.advanceTimersByTimeAsync(0);

    // The other replica finishes and lets go; a row of this replica's, committed meanwhile, waits.
    database.lockHeldElsewhere = false;
    database.rows.push(outboxRow('1'));
    await jest.advanceTimersByTimeAsync(50);
    expect(sent).toEqual(['payment-1']);
    expect(database.rows).toEqual([]);
    await relay.stop();
  });

  it('waits for the poll interval when the outbox was empty and nothing woke it', async () => {
    jest.useFakeTimers();
    const database = new FakeOutboxDatabase();
    const sent: string[] = [];
    const relay = new OutboxRelay(database.dataSource, () => fakeProducer(sent), { batchSize: 10, pollIntervalMs: 1000, lockName: 'spec', topicPrefix: '' });
    relay.start();
    await jest.advanceTimersByTimeAsync(0);

    database.rows.push(outboxRow('2')); // written by another process: nobody wakes this relay
    await jest.advanceTimersByTimeAsync(500);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(500);
    expect(sent).toEqual(['payment-1']);

    database.rows.push(outboxRow('3'));
    relay.wake(); // a commit in this process
    await jest.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(['payment-1', 'payment-1']);
    await relay.stop();
  });
});

describe('OutboxRelay passes', () => {
  beforeAll(() => Logger.overrideLogger(false));
  const options = { batchSize: 10, pollIntervalMs: 1000, lockName: 'spec', topicPrefix: '' };

  it('takes two round trips: BEGIN goes with the lock and the read, the DELETE of what was sent with the COMMIT', async () => {
    const database = new FakeOutboxDatabase();
    database.rows.push(outboxRow('1'), outboxRow('2'));
    const sent: string[] = [];
    const relay = new OutboxRelay(database.dataSource, () => fakeProducer(sent), options);

    expect(await relay.publishBatch()).toBe(2);

    expect(database.statements).toHaveLength(2);
    expect(database.statements[0]).toMatch(/^BEGIN;[\s\S]*pg_try_advisory_xact_lock\(hashtext\('spec'\)\)[\s\S]*LIMIT 10\b/);
    expect(database.statements[1]).toBe("DELETE FROM outbox_messages WHERE position = ANY('{1,2}'::bigint[]); COMMIT");
    expect(sent).toEqual(['payment-1', 'payment-1']);
    expect(database.rows).toEqual([]);
    // An empty outbox: the read, then COMMIT to let the lock go.
    expect(await relay.publishBatch()).toBe(0);
    expect(database.statements.slice(2)).toEqual([expect.stringMatching(/^BEGIN;/), 'COMMIT']);
  });

  it('rolls the pass back and keeps every row when the broker cannot be reached', async () => {
    const database = new FakeOutboxDatabase();
    database.rows.push(outboxRow('1'));
    const down = { ...fakeProducer([]), sendBatch: async () => Promise.reject(new Error('Connection error: connect ECONNREFUSED')) } as unknown as Producer;
    const relay = new OutboxRelay(database.dataSource, () => down, options);

    await expect(relay.publishBatch()).rejects.toThrow(/ECONNREFUSED/);

    expect(database.statements).toEqual([expect.stringMatching(/^BEGIN;/), 'ROLLBACK']);
    expect(database.rows.map((row) => row.position)).toEqual(['1']);
  });

  it('writes nothing but integers into its statements: a position that is not one rolls the pass back', async () => {
    const database = new FakeOutboxDatabase();
    database.rows.push({ ...outboxRow('1'), position: "1}'::bigint[]); DROP TABLE outbox_messages; --" });
    const relay = new OutboxRelay(database.dataSource, () => fakeProducer([]), options);

    await expect(relay.publishBatch()).rejects.toThrow(/is not an integer/);
    expect(database.statements).toEqual([expect.stringMatching(/^BEGIN;/), 'ROLLBACK']);
    await expect(new OutboxRelay(database.dataSource, () => fakeProducer([]), { ...options, batchSize: 1.5 }).publishBatch()).rejects.toThrow(/positive integer/);
  });
});
