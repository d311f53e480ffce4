import { Logger } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { OutboxRelay, OutboxRow } from './outbox-relay';

/** An outbox table and the relay lock, as the relay's SQL sees them; `lockHeldElsewhere` plays another replica. */
class FakeOutboxDatabase {
  rows: OutboxRow[] = [];
  lockHeldElsewhere = false;

  readonly dataSource = {
    transaction: async <T>(work: (manager: unknown) => Promise<T>): Promise<T> => work({ query: (sql: string, parameters: unknown[]) => this.query(sql, parameters) }),
  } as unknown as DataSource;

  private async query(sql: string, parameters: unknown[]): Promise<unknown> {
    if (sql.includes('pg_try_advisory_xact_lock')) {
      // The lock's answer on every row, and one row of nulls when there is nothing to read.
      if (this.lockHeldElsewhere) return [{ locked: false, position: null }];
      const batch = this.rows.slice(0, parameters[1] as number);
      return batch.length === 0 ? [{ locked: true, position: null }] : batch.map((row) => ({ locked: true, ...row }));
    }
    if (sql.startsWith('DELETE FROM outbox_messages')) {
      const gone = new Set(parameters[0] as string[]);
      this.rows = this.rows.filter((row) => !gone.has(row.position));
      return [];
    }
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
