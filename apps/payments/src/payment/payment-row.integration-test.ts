/**
 * The payment row's own statements against real PostgreSQL with the real migrations: every field a
 * payment has is written and read back as it was, an update never rewrites what is fixed at insert,
 * lockById holds the row until its transaction ends, and updates kept for the end of a transaction
 * are written together, as they would have been one by one.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@kirim/contracts';
import { MESSAGING_ENTITIES } from '@kirim/messaging';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { samplePayment } from '../testing/payment-fakes';
import { Payment } from './payment';
import { PAYMENT_ENTITIES } from './payment-entities';
import { TypeOrmPaymentRepository } from './payment.repository';

describe('the payment row (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let payments: TypeOrmPaymentRepository;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase('payments_row', { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS });
    dataSource = database.dataSource;
    payments = new TypeOrmPaymentRepository(dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  /** A refund with every optional field set, so a field dropped or swapped on the way shows. */
  function everyFieldSet(): Payment {
    return samplePayment(
      'reversal_failed',
      {
        payeeDisplayName: 'Asha Rao',
        amount: Money.ofMinor(1_234_567_890_123n, 'INR'),
        resultCode: 'U30',
        rrn: '123456789012',
        debitRequestId: randomUUID(),
        creditRequestId: randomUUID(),
        reversalRequestId: randomUUID(),
        note: 'rent, November',
        legCheckAt: new Date('2026-11-28T09:05:00.123Z'),
        legChecks: 3,
        deemedLeg: 'credit',
        reversalAttempts: 2,
        reversalFailure: 'unanswered',
        reversalResultCode: 'ZM',
        reversalDueBy: new Date('2026-12-03T09:00:00.000Z'),
        lateCreditAt: new Date('2026-11-28T10:00:00.000Z'),
        merchant: { merchantId: randomUUID(), orderId: randomUUID(), refundOf: randomUUID() },
        updatedAt: new Date('2026-11-28T09:06:00.000Z'),
      },
      randomUUID(),
    );
  }

  it('reads back every field as it was written', async () => {
    const payment = everyFieldSet();
    await payments.insert({ manager: dataSource.manager }, payment);
    expect(await payments.findById(payment.id)).toEqual(payment);
    expect(await payments.findById(randomUUID())).toBeNull();
  });

  it('updates every field that changes, and never the id, transaction id or creation time', async () => {
    const created = samplePayment('debit_pending', {}, randomUUID());
    await payments.insert({ manager: dataSource.manager }, created);
    const changed = { ...everyFieldSet(), id: created.id, txnId: 'X'.repeat(35), createdAt: new Date('2030-01-01T00:00:00.000Z') };

    await dataSource.transaction(async (manager) => payments.update({ manager }, changed));

    const stored = await dataSource.transaction(async (manager) => payments.lockById({ manager }, created.id));
    expect(stored).toEqual({ ...changed, txnId: created.txnId, createdAt: created.createdAt });
  });

  it('holds the row locked until the transaction that locked it ends', async () => {
    const payment = samplePayment('debit_pending', {}, randomUUID());
    await payments.insert({ manager: dataSource.manager }, payment);
    const other = dataSource.createQueryRunner();
    await other.connect();
    try {
      await dataSource.transaction(async (manager) => {
        expect(await payments.lockById({ manager }, payment.id)).toEqual(payment);
        await expect(other.query('SELECT id FROM payments WHERE id = $1 FOR UPDATE NOWAIT', [payment.id])).rejects.toThrow(/could not obtain lock/);
      });
      expect(await other.query('SELECT id FROM payments WHERE id = $1 FOR UPDATE NOWAIT', [payment.id])).toEqual([{ id: payment.id }]);
      expect(await dataSource.transaction(async (manager) => payments.lockById({ manager }, randomUUID()))).toBeNull();
    } finally {
      await other.release();
    }
  });

  it("locks a chunk's payments with one statement, and answers each one's next lock in that transaction from it, once", async () => {
    const [first, second, third] = ['debit_pending', 'credit_pending', 'debit_pending'].map((status) => samplePayment(status as Payment['status'], {}, randomUUID()));
    for (const payment of [first, second, third]) await payments.insert({ manager: dataSource.manager }, payment);
    const other = dataSource.createQueryRunner();
    await other.connect();
    try {
      await dataSource.transaction(async (manager) => {
        const queries = jest.spyOn(manager, 'query');
        await payments.lockAll({ manager }, [third.id, first.id, randomUUID(), third.id]);
        expect(queries).toHaveBeenCalledTimes(1);
        // Locked: another transaction cannot take them.
        for (const payment of [first, third]) {
          await expect(other.query('SELECT id FROM payments WHERE id = $1 FOR UPDATE NOWAIT', [payment.id])).rejects.toThrow(/could not obtain lock/);
        }
        expect(await other.query('SELECT id FROM payments WHERE id = $1 FOR UPDATE NOWAIT', [second.id])).toEqual([{ id: second.id }]);

        expect(await payments.lockById({ manager }, first.id)).toEqual(first);
        expect(queries).toHaveBeenCalledTimes(1);
        // Once only: the handler may have changed it since, so the next lock reads the row again.
        const moved = { ...first, status: 'credit_pending' as const };
        await payments.update({ manager }, moved);
        expect(await payments.lockById({ manager }, first.id)).toEqual(moved);
        // A row changed before anyone took it is read again too.
        const changed = { ...third, note: 'changed in this transaction' };
        await payments.update({ manager }, changed);
        expect(await payments.lockById({ manager }, third.id)).toEqual(changed);
        // A payment that is not in the chunk is locked on its own.
        expect(await payments.lockById({ manager }, second.id)).toEqual(second);
        expect(queries).toHaveBeenCalledTimes(6);
        queries.mockRestore();
      });
      // Another transaction is not answered from the earlier one's rows.
      await dataSource.transaction(async (manager) => {
        const queries = jest.spyOn(manager, 'query');
        expect((await payments.lockById({ manager }, third.id))?.note).toBe('changed in this transaction');
        expect(queries).toHaveBeenCalledTimes(1);
        queries.mockRestore();
      });
    } finally {
      await other.release();
    }
  });

  it("keeps a transaction's updates for its end when told to, answers its own reads with them, and writes them with one statement", async () => {
    const [first, second, untouched] = ['debit_pending', 'credit_pending', 'debit_pending'].map((status) => samplePayment(status as Payment['status'], {}, randomUUID()));
    for (const payment of [first, second, untouched]) await payments.insert({ manager: dataSource.manager }, payment);
    // Every changing field set on one of them, so a column lost or mistyped on its way through the JSON shows.
    const everyField = { ...everyFieldSet(), id: first.id, txnId: first.txnId, createdAt: first.createdAt };
    const credited = { ...second, status: 'credit_pending' as const, legChecks: 1, legCheckAt: new Date('2026-12-02T10:00:00.456Z') };
    const completed = { ...credited, status: 'completed' as const, legCheckAt: null, updatedAt: new Date('2026-12-02T10:00:01.000Z') };

    await dataSource.transaction(async (manager) => {
      await payments.lockAll({ manager }, [first.id, second.id]);
      payments.deferUpdates({ manager });
      const queries = jest.spyOn(manager, 'query');
      expect(await payments.lockById({ manager }, first.id)).toEqual(first);
      await payments.update({ manager }, everyField);
      expect(await payments.lockById({ manager }, second.id)).toEqual(second);
      await payments.update({ manager }, credited);
      // Two answers for one payment in one chunk: the second sees what the first did.
      expect(await payments.lockById({ manager }, second.id)).toEqual(credited);
      expect(await payments.findById(second.id, { manager })).toEqual(credited);
      await payments.update({ manager }, completed);
      expect(queries).not.toHaveBeenCalled();
      // Nothing written yet: another connection still reads the rows as they were.
      expect(await payments.findById(first.id)).toEqual(first);

      await payments.writeDeferredUpdates({ manager });
      expect(queries).toHaveBeenCalledTimes(1);
      // Written once: a second call has nothing left to write.
      await payments.writeDeferredUpdates({ manager });
      expect(queries).toHaveBeenCalledTimes(1);
      queries.mockRestore();
    });

    expect(await payments.findById(first.id)).toEqual(everyField);
    expect(await payments.findById(second.id)).toEqual(completed);
    expect(await payments.findById(untouched.id)).toEqual(untouched);
  });

  it('writes kept updates with nothing of a transaction that rolls back, and leaves other transactions writing at once', async () => {
    const payment = samplePayment('debit_pending', {}, randomUUID());
    await payments.insert({ manager: dataSource.manager }, payment);
    const moved = { ...payment, status: 'credit_pending' as const };

    await expect(
      dataSource.transaction(async (manager) => {
        payments.deferUpdates({ manager });
        await payments.lockById({ manager }, payment.id);
        await payments.update({ manager }, moved);
        await payments.writeDeferredUpdates({ manager });
        throw new Error('the chunk fails after its writes');
      }),
    ).rejects.toThrow('the chunk fails');
    expect(await payments.findById(payment.id)).toEqual(payment);

    // A transaction that was not told to defer writes at once, as before.
    await dataSource.transaction(async (manager) => {
      await payments.lockById({ manager }, payment.id);
      await payments.update({ manager }, moved);
      expect(await manager.query('SELECT status FROM payments WHERE id = $1', [payment.id])).toEqual([{ status: 'credit_pending' }]);
    });
    expect(await payments.findById(payment.id)).toEqual(moved);
  });

  it('writes kept updates before quarantining a payment, so the update does not start the stopped timer again', async () => {
    const payment = samplePayment('debit_pending', { legCheckAt: new Date('2026-12-02T10:00:00.000Z') }, randomUUID());
    await payments.insert({ manager: dataSource.manager }, payment);

    await dataSource.transaction(async (manager) => {
      payments.deferUpdates({ manager });
      await payments.lockById({ manager }, payment.id);
      await payments.update({ manager }, { ...payment, legChecks: 4 });
      await payments.quarantine({ manager }, payment.id, 'unreadable answer', new Date('2026-12-02T10:00:05.000Z'));
      await payments.writeDeferredUpdates({ manager });
    });

    const [row] = await dataSource.query('SELECT leg_checks, leg_check_at, quarantine_reason FROM payments WHERE id = $1', [payment.id]);
    expect(row).toEqual({ leg_checks: 4, leg_check_at: null, quarantine_reason: 'unreadable answer' });
  });
});
