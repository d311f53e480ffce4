import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { EVENT_SOURCES } from '@kirim/contracts';
import { OutboxWriter } from './outbox/outbox-writer';
import { UnitOfWork } from './unit-of-work';

/** A database whose transaction commits after the work unless the work throws or `failCommit` is set. */
function fakeDatabase(options: { failCommit?: boolean } = {}): { dataSource: DataSource; state: { committed: number } } {
  const state = { committed: 0 };
  const dataSource = {
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      const result = await work({} as EntityManager);
      if (options.failCommit) throw new Error('connection lost during COMMIT');
      state.committed += 1;
      return result;
    },
  } as unknown as DataSource;
  return { dataSource, state };
}

describe('UnitOfWork: tx.afterCommit', () => {
  afterEach(() => jest.restoreAllMocks());

  it('runs the callbacks once the transaction has committed, in the order they were asked, and returns the work\'s value', async () => {
    const { dataSource, state } = fakeDatabase();
    const ran: string[] = [];
    const value = await new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS)).run(async (tx) => {
      tx.afterCommit(() => ran.push(`first after ${state.committed} commit`));
      tx.afterCommit(() => ran.push(`second after ${state.committed} commit`));
      expect(ran).toEqual([]);
      return 42;
    });
    expect(value).toBe(42);
    expect(ran).toEqual(['first after 1 commit', 'second after 1 commit']);
  });

  it('runs no callback when the work throws and the transaction rolls back', async () => {
    const { dataSource } = fakeDatabase();
    const ran: string[] = [];
    const unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS));
    await expect(
      unitOfWork.run(async (tx) => {
        tx.afterCommit(() => ran.push('counted'));
        throw new Error('the use case failed after asking');
      }),
    ).rejects.toThrow('the use case failed after asking');
    expect(ran).toEqual([]);
  });

  it('runs no callback when the commit itself fails', async () => {
    const { dataSource } = fakeDatabase({ failCommit: true });
    const ran: string[] = [];
    await expect(new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS)).run(async (tx) => tx.afterCommit(() => ran.push('counted')))).rejects.toThrow('COMMIT');
    expect(ran).toEqual([]);
  });

  it('logs a callback that throws and still runs the others; the caller gets its value', async () => {
    const { dataSource } = fakeDatabase();
    const errors: unknown[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(message));
    const ran: string[] = [];
    const value = await new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS)).run(async (tx) => {
      tx.afterCommit(() => {
        throw new TypeError('a label the metric does not have');
      });
      tx.afterCommit(() => ran.push('second'));
      return 'done';
    });
    expect(value).toBe('done');
    expect(ran).toEqual(['second']);
    expect(errors).toEqual([expect.stringContaining('TypeError: a label the metric does not have')]);
  });
});
