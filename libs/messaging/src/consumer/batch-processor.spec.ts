import { Logger } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { BankLegRequested, EVENT_SOURCES, EVENT_TYPES, KirimEvent, RESULT_CODES, TOPICS } from '@kirim/contracts';
import type { ChunkPreparer, ChunkRun, InboundMessageContext } from '../messaging.types';
import { OutboxWriter } from '../outbox/outbox-writer';
import { BatchProcessor, isTransientDatabaseError } from './batch-processor';
import type { DeadLetterPublisher } from './dead-letter.publisher';
import { deadLettersWrittenCount } from './dead-letter.store';
import { consumedRecord, everyMessageNew, legCommand } from './bank-leg-command.fixture';

describe('isTransientDatabaseError', () => {
  it.each(['40P01', '40001', '08006', '57P01', '53300'])('treats SQLSTATE %s as transient (retry the chunk, never dead-letter)', (code) => {
    expect(isTransientDatabaseError({ code })).toBe(true);
    expect(isTransientDatabaseError({ driverError: { code } })).toBe(true);
  });

  it.each(['23505', '22P02', undefined])('treats SQLSTATE %s as the message\'s own failure', (code) => {
    expect(isTransientDatabaseError({ code })).toBe(false);
    expect(isTransientDatabaseError(new Error('boom'))).toBe(false);
  });
});




describe('BatchProcessor: tx.afterCommit', () => {
  const TOPIC = TOPICS.BANK_REQUESTS;
  /** The handler always fails on this amount (it is dead-lettered), and on this one for its first two tries. */
  const [FAILING, FLAKY] = ['13.13', '14.14'];

  /** A dead_letters row as the INSERT ... RETURNING gives it back. */
  function storedDeadLetter(id: string, group: string, topic: string, partition: number, offset: string): Record<string, unknown> {
    return {
      id,
      consumer_group: group,
      topic,
      partition,
      kafka_offset: offset,
      record_key: null,
      ce_id: null,
      ce_type: null,
      ce_source: null,
      ce_subject: null,
      reason: 'x',
      attempts: 2,
      replayable: false,
      event: null,
      status: 'open',
      created_at: new Date(),
      replayed_at: null,
      replay_attempts: 0,
      last_replay_error: null,
      created_at_micros: '0',
    };
  }

  /** A chunk's transaction that takes every message as new, stores every dead letter, and counts its commits. */
  function fakeDatabase(): { dataSource: DataSource; commits: { count: number } } {
    const commits = { count: 0 };
    const manager = {
      query: async (sql: string, params: unknown[] = []): Promise<unknown[]> => {
        if (sql.includes('INSERT INTO inbox_messages')) return everyMessageNew(sql, params);
        if (sql.includes('INSERT INTO dead_letters')) {
          const [group, topic, partition, ids, offsets] = params as [string, string, number, string[], string[]];
          return ids.map((id, index) => storedDeadLetter(id, group, topic, partition, offsets[index]));
        }
        return [];
      },
    } as unknown as EntityManager;
    const dataSource = {
      transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
        const result = await work(manager);
        commits.count += 1;
        return result;
      },
    } as unknown as DataSource;
    return { dataSource, commits };
  }

  /** A handler that asks to count its message after the commit, then fails as its amount says. */
  function processorCounting(dataSource: DataSource, commits: { count: number }, counted: string[], deadLetters: Pick<DeadLetterPublisher, 'publish'>): BatchProcessor {
    const tries = new Map<string, number>();
    const dispatch = async (event: KirimEvent<object>, ctx: InboundMessageContext): Promise<void> => {
      const leg = event.data as BankLegRequested;
      const attempt = (tries.get(leg.paymentId) ?? 0) + 1;
      tries.set(leg.paymentId, attempt);
      ctx.tx.afterCommit(() => counted.push(`${leg.amount.value} after commit ${commits.count}`));
      if (leg.amount.value === FAILING || (leg.amount.value === FLAKY && attempt <= 2)) throw new Error(`the test handler fails on ${leg.amount.value}`);
    };
    return new BatchProcessor(dataSource, new OutboxWriter(EVENT_SOURCES.BANK_CONNECTOR), deadLetters as DeadLetterPublisher, dispatch, {
      consumerGroup: 'kirim.bank-connector',
      maxAttempts: 2,
      topicPrefix: '',
    });
  }

  beforeEach(() => {
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('counts each message of a chunk replayed carefully once, from its committed attempt only, after the commit', async () => {
    const { dataSource, commits } = fakeDatabase();
    const counted: string[] = [];
    const failedBefore = await deadLettersWrittenCount(TOPIC, 'handler-failed');
    const processor = processorCounting(dataSource, commits, counted, { publish: async () => undefined });

    // 500.00 applies at once; the fast path is abandoned at 13.13; carefully, 14.14 fails once more then
    // applies on its second try, and 13.13 fails both tries and is dead-lettered.
    await processor.process([{ topic: TOPIC, partition: 0, messages: [consumedRecord(legCommand('500.00'), 10), consumedRecord(legCommand(FLAKY), 11), consumedRecord(legCommand(FAILING), 12), consumedRecord(legCommand('7.00'), 13)] }]);

    expect(commits.count).toBe(1);
    expect(counted).toEqual(['500.00 after commit 1', '14.14 after commit 1', '7.00 after commit 1']);
    expect(await deadLettersWrittenCount(TOPIC, 'handler-failed')).toBe(failedBefore + 1);
  });

  it('runs nothing for a chunk whose transaction rolls back, and counts once when it is retried and commits', async () => {
    const { dataSource, commits } = fakeDatabase();
    const counted: string[] = [];
    const failedBefore = await deadLettersWrittenCount(TOPIC, 'handler-failed');
    let dlqReachable = false;
    const processor = processorCounting(dataSource, commits, counted, {
      publish: async () => {
        if (!dlqReachable) throw new Error('the .dlq topic is unreachable');
      },
    });
    const chunk = [consumedRecord(legCommand('500.00'), 20), consumedRecord(legCommand(FAILING), 21)];

    await expect(processor.process([{ topic: TOPIC, partition: 0, messages: chunk }])).rejects.toThrow('unreachable');
    expect(counted).toEqual([]);
    expect(await deadLettersWrittenCount(TOPIC, 'handler-failed')).toBe(failedBefore);

    dlqReachable = true;
    await processor.process([{ topic: TOPIC, partition: 0, messages: chunk }]);
    expect(counted).toEqual(['500.00 after commit 1']);
    expect(await deadLettersWrittenCount(TOPIC, 'handler-failed')).toBe(failedBefore + 1);
  });

  it('applies several partitions\' chunks in one transaction and dead-letters each record to its own partition, in offset order', async () => {
    const { dataSource, commits } = fakeDatabase();
    const counted: string[] = [];
    const published: string[] = [];
    const processor = processorCounting(dataSource, commits, counted, {
      publish: async (topic, partition, letters) => void published.push(`${topic}/${partition}: ${letters.map((letter) => letter.message.offset).join(',')}`),
    });

    await processor.process([
      { topic: TOPIC, partition: 4, messages: [consumedRecord(legCommand(FAILING), 41), consumedRecord(legCommand('1.00'), 42), consumedRecord(legCommand(FAILING), 43)] },
      { topic: TOPIC, partition: 2, messages: [consumedRecord(legCommand(FAILING), 7), consumedRecord(legCommand('2.00'), 8)] },
    ]);

    expect(commits.count).toBe(1);
    expect(counted).toEqual(['1.00 after commit 1', '2.00 after commit 1']);
    expect(published.sort()).toEqual([`${TOPIC}/2: 7`, `${TOPIC}/4: 41,43`]);
  });
});

describe("BatchProcessor: a ChunkPreparer's writes left to the chunk's end", () => {
  const TOPIC = TOPICS.BANK_REQUESTS;
  const FAILING = '13.13';

  function record(amount: string, offset: number): KafkaMessage {
    return consumedRecord(legCommand(amount), offset);
  }

  /**
   * A processor whose every step lands in `journal`, in order: the preparer's calls, each handler
   * (which publishes one message, and fails on FAILING), the outbox INSERT, savepoints and commits.
   */
  function journaled(finishChunk: ChunkPreparer['finishChunk']): { processor: BatchProcessor; journal: string[] } {
    const journal: string[] = [];
    const manager = {
      query: async (sql: string, params: unknown[] = []): Promise<unknown[]> => {
        if (sql.includes('INSERT INTO inbox_messages')) return everyMessageNew(sql, params);
        if (sql.includes('INSERT INTO outbox_messages')) journal.push('outbox insert');
        if (sql.includes('SAVEPOINT')) journal.push(sql.split(' ')[0].toLowerCase());
        return [];
      },
    } as unknown as EntityManager;
    const dataSource = {
      transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
        try {
          const result = await work(manager);
          journal.push('commit');
          return result;
        } catch (error) {
          journal.push('rollback');
          throw error;
        }
      },
    } as unknown as DataSource;
    const preparer: ChunkPreparer = {
      prepareChunk: async (_events, _manager, run: ChunkRun) => void journal.push(`prepare asOne=${run.asOne}`),
      ...(finishChunk === undefined ? {} : { finishChunk }),
    };
    const dispatch = async (event: KirimEvent<object>, ctx: InboundMessageContext): Promise<void> => {
      const leg = event.data as BankLegRequested;
      journal.push(`handle ${leg.amount.value}`);
      await ctx.tx.publish({ type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, key: leg.paymentId, data: { requestId: leg.requestId, paymentId: leg.paymentId, purpose: leg.purpose, bankCode: leg.bankCode, accountRef: leg.accountRef, amount: leg.amount, resultCode: RESULT_CODES.SUCCESS } });
      if (leg.amount.value === FAILING) throw new Error('the test handler fails');
    };
    const processor = new BatchProcessor(dataSource, new OutboxWriter(EVENT_SOURCES.BANK_CONNECTOR), { publish: async () => undefined } as unknown as DeadLetterPublisher, dispatch, {
      consumerGroup: 'kirim.bank-connector',
      maxAttempts: 1,
      topicPrefix: '',
      preparer,
    });
    return { processor, journal };
  }

  beforeEach(() => {
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it("tells the preparer the chunk runs as one, and finishes it after the last handler, before the chunk's outgoing messages", async () => {
    const { processor, journal } = journaled(async () => void journal.push('finish'));

    await processor.process([{ topic: TOPIC, partition: 0, messages: [record('1.00', 1), record('2.00', 2)] }]);

    expect(journal).toEqual(['prepare asOne=true', 'handle 1.00', 'handle 2.00', 'finish', 'outbox insert', 'commit']);
  });

  it('replays a chunk whose handler failed message by message, telling the preparer so, and never finishes it then', async () => {
    const { processor, journal } = journaled(async () => void journal.push('finish'));

    await processor.process([{ topic: TOPIC, partition: 0, messages: [record('1.00', 1), record(FAILING, 2)] }]);

    expect(journal).toEqual([
      'prepare asOne=true',
      'handle 1.00',
      `handle ${FAILING}`,
      'rollback',
      'prepare asOne=false',
      'savepoint',
      'handle 1.00',
      'outbox insert',
      'release',
      'savepoint',
      `handle ${FAILING}`,
      'rollback',
      'commit',
    ]);
  });

  it("replays the chunk message by message when the preparer cannot finish it, and retries it whole when the database is only unavailable", async () => {
    let failure: Error | null = Object.assign(new Error('check constraint violated'), { code: '23514' });
    const { processor, journal } = journaled(async () => {
      journal.push('finish');
      if (failure) throw failure;
    });

    await processor.process([{ topic: TOPIC, partition: 0, messages: [record('1.00', 1)] }]);
    expect(journal).toEqual(['prepare asOne=true', 'handle 1.00', 'finish', 'rollback', 'prepare asOne=false', 'savepoint', 'handle 1.00', 'outbox insert', 'release', 'commit']);

    journal.length = 0;
    failure = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    await expect(processor.process([{ topic: TOPIC, partition: 0, messages: [record('3.00', 3)] }])).rejects.toThrow('deadlock');
    expect(journal).toEqual(['prepare asOne=true', 'handle 3.00', 'finish', 'rollback']);
  });
});
