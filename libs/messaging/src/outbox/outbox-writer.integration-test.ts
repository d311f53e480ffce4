/**
 * The outbox's writes against real PostgreSQL: what a transaction published lands in
 * outbox_messages in publish order and exactly as published, whether the UnitOfWork flushes it or
 * the transaction's own statement takes it (rowsForOwnStatement), and the relay is woken for both.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EVENT_SOURCES, EVENT_TYPES } from '@kirim/contracts';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import type { OutgoingEvent } from '../messaging.types';
import { CreateMessagingRecoveryTables1764700000000 } from '../persistence/messaging-recovery-tables.migration';
import { CreateMessagingTables1764288000000 } from '../persistence/messaging-tables.migration';
import { InboxMessageEntity } from '../persistence/inbox-message.entity';
import { OutboxMessageEntity } from '../persistence/outbox-message.entity';
import { UnitOfWork } from '../unit-of-work';
import { ContractViolationError, OutboxWriter, rowsForOwnStatement } from './outbox-writer';

describe('outbox writes (PostgreSQL)', () => {
  let migrated: MigratedTestDatabase;
  let woken = 0;
  let unitOfWork: UnitOfWork;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    migrated = await createMigratedTestDatabase('outbox_writes', {
      entities: [OutboxMessageEntity, InboxMessageEntity],
      migrations: [CreateMessagingTables1764288000000, CreateMessagingRecoveryTables1764700000000],
    });
    unitOfWork = new UnitOfWork(migrated.dataSource, new OutboxWriter(EVENT_SOURCES.BANK_CONNECTOR), () => void (woken += 1));
  });
  afterAll(async () => migrated?.close());
  beforeEach(async () => {
    await migrated.dataSource.query('TRUNCATE outbox_messages');
    woken = 0;
  });

  /** A bank-connector event whose free text carries what an array literal must escape. */
  const declined = (reason: string): OutgoingEvent<object> => {
    const paymentId = randomUUID();
    return {
      type: EVENT_TYPES.BANK_DEBIT_DECLINED,
      key: paymentId,
      data: { requestId: randomUUID(), paymentId, purpose: 'payment', bankCode: 'SBXA', accountRef: randomUUID(), amount: { value: '1.00', currency: 'INR' }, resultCode: 'Z9', reason },
    };
  };
  const awkward = ['quote " and backslash \\ and {braces}, commas', 'NULL', 'हिन्दी ✓ and a tab\tend'];

  const stored = async (): Promise<Array<{ record_key: string; type: string; source: string; data: Record<string, unknown>; traceparent: string | null }>> =>
    migrated.dataSource.query('SELECT record_key, type, source, data, traceparent FROM outbox_messages ORDER BY position');

  it('flushes what the work published, in publish order and exactly as published, and wakes the relay once', async () => {
    const events = awkward.map(declined);
    await unitOfWork.run(async (tx) => {
      for (const event of events) await tx.publish(event);
    });

    const rows = await stored();
    expect(rows.map((row) => row.record_key)).toEqual(events.map((event) => event.key));
    expect(rows.map((row) => row.data)).toEqual(events.map((event) => event.data));
    expect(rows.every((row) => row.type === EVENT_TYPES.BANK_DEBIT_DECLINED && row.source === EVENT_SOURCES.BANK_CONNECTOR && /^00-[0-9a-f]{32}-/.test(row.traceparent ?? ''))).toBe(true);
    expect(woken).toBe(1);
  });

  /** The work's own statement: a marker row, and the rows when `condition` holds. */
  const ownStatement = async (manager: EntityManager, rows: NonNullable<ReturnType<typeof rowsForOwnStatement>>['rows'], condition: boolean): Promise<number> => {
    const insert = rows.insert(2, '$1::boolean');
    const [{ count }] = (await manager.query(`WITH outbox AS (${insert.text} RETURNING 1) SELECT count(*)::int AS count FROM outbox`, [condition, ...insert.parameters])) as [{ count: number }];
    return count;
  };

  it("lets the work's own statement write the rows, in order, and wakes the relay for them", async () => {
    const events = awkward.map(declined);
    await unitOfWork.run(async (tx) => {
      const outbox = rowsForOwnStatement(tx, events);
      if (outbox === null) throw new Error('a UnitOfWork transaction hands its rows over');
      expect(await ownStatement(tx.manager, outbox.rows, true)).toBe(3);
      outbox.written();
    });

    expect((await stored()).map((row) => row.data)).toEqual(events.map((event) => event.data));
    expect(woken).toBe(1);
  });

  it('writes nothing when the statement\'s condition fails, and what the work published otherwise is still flushed', async () => {
    const [withheld, published] = [declined('withheld'), declined('published')];
    await unitOfWork.run(async (tx) => {
      const outbox = rowsForOwnStatement(tx, [withheld]);
      if (outbox === null) throw new Error('a UnitOfWork transaction hands its rows over');
      expect(await ownStatement(tx.manager, outbox.rows, false)).toBe(0);
      await tx.publish(published);
    });

    expect((await stored()).map((row) => row.record_key)).toEqual([published.key]);
  });

  it('runs a one-statement unit without a transaction of its own: its statement writes the rows, publishing is refused, the relay is woken', async () => {
    const events = awkward.map(declined);
    const ran: string[] = [];
    await unitOfWork.run(
      async (tx) => {
        await expect(tx.publish(declined('published'))).rejects.toThrow(/one-statement unit/);
        const outbox = rowsForOwnStatement(tx, events);
        if (outbox === null) throw new Error('a one-statement unit hands its rows over');
        expect(await ownStatement(tx.manager, outbox.rows, true)).toBe(3);
        outbox.written();
        tx.afterCommit(() => ran.push('after the statement'));
        // No transaction is open around the work: the statement committed on its own, so another connection sees its rows already.
        const runner = migrated.dataSource.createQueryRunner();
        try {
          expect(await runner.query('SELECT count(*)::int AS rows FROM outbox_messages')).toEqual([{ rows: 3 }]);
        } finally {
          await runner.release();
        }
      },
      { oneStatement: true },
    );

    expect((await stored()).map((row) => row.data)).toEqual(events.map((event) => event.data));
    expect(ran).toEqual(['after the statement']);
    expect(woken).toBe(1);
  });

  it("refuses rows for an own statement after messages published in the same transaction: they would be written before them", async () => {
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.publish(declined('first'));
        rowsForOwnStatement(tx, [declined('second')]);
      }),
    ).rejects.toThrow(/change their order/);
    expect(await stored()).toEqual([]);
  });

  it('refuses an event that breaks the contract before any statement, and hands nothing over for a scope it did not make', async () => {
    await expect(
      unitOfWork.run(async (tx) => rowsForOwnStatement(tx, [{ type: EVENT_TYPES.BANK_DEBIT_DECLINED, key: 'x', data: { paymentId: 'x', resultCode: 'not-a-code' } }])),
    ).rejects.toBeInstanceOf(ContractViolationError);
    expect(rowsForOwnStatement({ manager: migrated.dataSource.manager, publish: async () => undefined, afterCommit: () => undefined }, [declined('fake')])).toBeNull();
    expect(await stored()).toEqual([]);
    expect(woken).toBe(0);
  });
});
