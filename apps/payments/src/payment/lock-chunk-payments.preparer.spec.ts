import { BankLegRequested, BankLegResult, EVENT_SOURCES, EVENT_TYPES } from '@kirim/contracts';
import type { InboundEvent } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import { InMemoryPaymentRepository } from '../testing/payment-fakes';
import { LockChunkPayments } from './lock-chunk-payments.preparer';

function answerFor(paymentId: string): InboundEvent<object> {
  const data = Object.assign(new BankLegResult(), { paymentId, requestId: `request-${paymentId}` });
  return { id: `event-${paymentId}`, type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, source: EVENT_SOURCES.BANK_CONNECTOR, time: '2026-12-02T10:00:00.000Z', key: paymentId, data };
}

describe('LockChunkPayments', () => {
  it("locks the payments a chunk of banks' answers is for, with one call, in the chunk's transaction", async () => {
    const payments = new InMemoryPaymentRepository();
    const manager = {} as EntityManager;
    const lockAll = jest.spyOn(payments, 'lockAll');
    const notAnAnswer: InboundEvent<object> = { ...answerFor('c'), data: Object.assign(new BankLegRequested(), { paymentId: 'c' }) };

    await new LockChunkPayments(payments).prepareChunk([answerFor('b'), answerFor('a'), notAnAnswer, answerFor('b')], manager);

    expect(lockAll).toHaveBeenCalledTimes(1);
    expect(lockAll).toHaveBeenCalledWith({ manager }, ['b', 'a', 'b']);
  });
});
