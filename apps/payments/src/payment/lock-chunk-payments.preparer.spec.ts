import { BankLegRequested, BankLegResult, EVENT_SOURCES, EVENT_TYPES } from '@kirim/contracts';
import type { InboundEvent } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import { InMemoryPaymentRepository, samplePayment } from '../testing/payment-fakes';
import { LockChunkPayments } from './lock-chunk-payments.preparer';

function answerFor(paymentId: string): InboundEvent<object> {
  const data = Object.assign(new BankLegResult(), { paymentId, requestId: `request-${paymentId}` });
  return { id: `event-${paymentId}`, type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, source: EVENT_SOURCES.BANK_CONNECTOR, time: '2026-12-02T10:00:00.000Z', key: paymentId, data };
}

describe('LockChunkPayments', () => {
  const notAnAnswer: InboundEvent<object> = { ...answerFor('c'), data: Object.assign(new BankLegRequested(), { paymentId: 'c' }) };

  it("locks the payments a chunk of banks' answers is for, with one call, in the chunk's transaction", async () => {
    const payments = new InMemoryPaymentRepository();
    const manager = {} as EntityManager;
    const lockAll = jest.spyOn(payments, 'lockAll');

    await new LockChunkPayments(payments).prepareChunk([answerFor('b'), answerFor('a'), notAnAnswer, answerFor('b')], manager, { asOne: true });

    expect(lockAll).toHaveBeenCalledTimes(1);
    expect(lockAll).toHaveBeenCalledWith({ manager }, ['b', 'a', 'b']);
  });

  it("keeps a chunk's payment updates for its end when it runs as one, and writes them together when it is finished", async () => {
    const payments = new InMemoryPaymentRepository();
    const [a, b] = [samplePayment('debit_pending', {}, 'a'), samplePayment('debit_pending', {}, 'b')];
    for (const payment of [a, b]) payments.rows.set(payment.id, payment);
    const manager = {} as EntityManager;
    const preparer = new LockChunkPayments(payments);

    await preparer.prepareChunk([answerFor('a'), answerFor('b')], manager, { asOne: true });
    await payments.update({ manager }, { ...a, status: 'credit_pending' });
    await payments.update({ manager }, { ...b, status: 'credit_pending' });
    expect(payments.rows.get('a')?.status).toBe('debit_pending');
    expect((await payments.lockById({ manager }, 'a'))?.status).toBe('credit_pending');

    await preparer.finishChunk(manager);
    expect(payments.deferredWrites).toEqual([2]);
    expect([payments.rows.get('a')?.status, payments.rows.get('b')?.status]).toEqual(['credit_pending', 'credit_pending']);
  });

  it('leaves each update to its handler when the chunk runs message by message, and when it holds no answers', async () => {
    const payments = new InMemoryPaymentRepository();
    const a = samplePayment('debit_pending', {}, 'a');
    payments.rows.set(a.id, a);
    const preparer = new LockChunkPayments(payments);

    const careful = {} as EntityManager;
    await preparer.prepareChunk([answerFor('a')], careful, { asOne: false });
    await payments.update({ manager: careful }, { ...a, status: 'credit_pending' });
    expect(payments.rows.get('a')?.status).toBe('credit_pending');

    const noAnswers = {} as EntityManager;
    await preparer.prepareChunk([notAnAnswer], noAnswers, { asOne: true });
    await payments.update({ manager: noAnswers }, { ...a, status: 'completed' });
    expect(payments.rows.get('a')?.status).toBe('completed');

    await preparer.finishChunk(careful);
    await preparer.finishChunk(noAnswers);
    expect(payments.deferredWrites).toEqual([]);
  });
});
