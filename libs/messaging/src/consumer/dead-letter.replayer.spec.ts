import { randomUUID } from 'node:crypto';
import { BankLegRequested, EVENT_SOURCES, EVENT_TYPES } from '@kirim/contracts';
import { eventToReplay } from './dead-letter.replayer';

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
