import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { BankLegRequested, EVENT_SOURCES, EVENT_TYPES } from '@kirim/contracts';
import { OutboxWriter } from '../outbox/outbox-writer';
import { DeadLetterReplayer, eventToReplay } from './dead-letter.replayer';

function storedDebit(data: Record<string, unknown> = {}): Record<string, unknown> {
  const paymentId = randomUUID();
  return {
    id: randomUUID(),
    type: EVENT_TYPES.BANK_DEBIT_REQUESTED,
    source: EVENT_SOURCES.PAYMENTS,
    time: '2026-12-01T10:00:00.000Z',
    key: paymentId,
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    data: {
      requestId: randomUUID(),
      paymentId,
      txnId: `KRM${randomUUID().replace(/-/g, '').toUpperCase()}`,
      purpose: 'payment',
      bankCode: 'SBXA',
      accountRef: randomUUID(),
      amount: { value: '10.00', currency: 'INR' },
      ...data,
    },
  };
}

describe('eventToReplay', () => {
  it('gives the handler the contract class, as a freshly consumed record would', () => {
    const stored = storedDebit();
    const result = eventToReplay(stored);
    if (!result.ok) throw new Error(result.reason);
    expect(result.event.data).toBeInstanceOf(BankLegRequested);
    expect(result.event).toMatchObject({ id: stored.id, type: stored.type, source: stored.source, key: stored.key, traceparent: stored.traceparent });
  });

  it('refuses a stored event that no longer satisfies the contract, naming the field', () => {
    const result = eventToReplay(storedDebit({ amount: { value: '1.234', currency: 'INR' } }));
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('amount.value') });
  });

  it('refuses an unknown type and a malformed record', () => {
    expect(eventToReplay({ ...storedDebit(), type: 'bank.debit.teleported.v1' })).toEqual({ ok: false, reason: expect.stringContaining('not in the catalogue') });
    expect(eventToReplay({ ...storedDebit(), id: 42 })).toEqual({ ok: false, reason: expect.stringContaining('lacks its id') });
    expect(eventToReplay(null)).toEqual({ ok: false, reason: 'the dead letter holds no event' });
  });
});

describe('DeadLetterReplayer: tx.afterCommit', () => {
  const GROUP = 'kirim.bank-connector';

  /** A dead letter's row as `dead_letters` holds it: a handler failure, open, with its event. */
  function row(id: string, status: 'open' | 'replayed'): Record<string, unknown> {
    return {
      id,
      consumer_group: GROUP,
      topic: 'bank.requests.v1',
      partition: 0,
      kafka_offset: '7',
      record_key: null,
      ce_id: null,
      ce_type: EVENT_TYPES.BANK_DEBIT_REQUESTED,
      ce_source: EVENT_SOURCES.PAYMENTS,
      ce_subject: null,
      reason: 'handler failed',
      attempts: 3,
      replayable: true,
      event: storedDebit(),
      status,
      created_at: new Date(),
      replayed_at: null,
      replay_attempts: 0,
      last_replay_error: null,
      created_at_micros: '0',
    };
  }

  /** The replay's transaction against a dead letter that is there and open; it commits unless the work throws. */
  function fakeDatabase(id: string): { dataSource: DataSource; commits: { count: number } } {
    const commits = { count: 0 };
    const query = async (sql: string): Promise<unknown[]> => {
      if (sql.includes('INSERT INTO inbox_messages')) return [1];
      return [row(id, sql.includes("status = 'replayed'") ? 'replayed' : 'open')];
    };
    const dataSource = {
      query,
      transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
        const result = await work({ query } as unknown as EntityManager);
        commits.count += 1;
        return result;
      },
    } as unknown as DataSource;
    return { dataSource, commits };
  }

  beforeAll(() => Logger.overrideLogger(false));

  it('runs what the handler asked once the replay has committed, and nothing when the handler fails again', async () => {
    const id = randomUUID();
    const { dataSource, commits } = fakeDatabase(id);
    const ran: string[] = [];
    let fails = true;
    const dispatcher = {
      dispatchEvent: async (_event: unknown, ctx: { tx: { afterCommit(callback: () => void): void } }): Promise<void> => {
        ctx.tx.afterCommit(() => ran.push(`after commit ${commits.count}`));
        if (fails) throw new Error('still failing');
      },
    };
    const replayer = new DeadLetterReplayer(dataSource, new OutboxWriter(EVENT_SOURCES.BANK_CONNECTOR), dispatcher, { consumerGroup: GROUP });

    expect(await replayer.replay(id)).toMatchObject({ outcome: 'failed' });
    expect(ran).toEqual([]);

    fails = false;
    expect(await replayer.replay(id)).toMatchObject({ outcome: 'replayed' });
    expect(ran).toEqual(['after commit 1']);
  });
});
