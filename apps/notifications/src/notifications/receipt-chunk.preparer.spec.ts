import { EVENT_SOURCES, EVENT_TYPES, EventType, PaymentLifecycleEvent, UserPreferencesChanged } from '@kirim/contracts';
import type { InboundEvent } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import { PAYEE, PAYER, paymentEvent } from '../payment-receipts/payment-event.fixture';
import { InMemoryDeliveries } from '../testing/in-memory-deliveries';
import { InMemoryRecipientPreferences } from '../testing/in-memory-recipient-preferences';
import { ReceiptChunkPreparer } from './receipt-chunk.preparer';

function paymentStep(type: EventType, overrides: Partial<PaymentLifecycleEvent> = {}): InboundEvent<object> {
  const data = Object.assign(new PaymentLifecycleEvent(), paymentEvent(overrides));
  return { id: `event-${type}-${data.paymentId}`, type, source: EVENT_SOURCES.PAYMENTS, time: data.occurredAt, key: data.paymentId, data };
}

const draft = { deliveryId: '9b2f7c1e-0d4a-4e5b-8c6d-7e8f9a0b1c2d', notificationId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', recipientUserId: PAYER, channel: 'chat' as const, endpointKey: 'chat', occurredAt: new Date(0), createdAt: new Date(0) };

describe('ReceiptChunkPreparer', () => {
  it("remembers the readers of the chunk's receipt-bearing payment steps, and holds its deliveries for its end", async () => {
    const preferences = new InMemoryRecipientPreferences();
    const deliveries = new InMemoryDeliveries();
    const preparer = new ReceiptChunkPreparer(preferences, deliveries);
    const manager = {} as EntityManager;
    const other = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
    const preferencesChanged: InboundEvent<object> = {
      id: 'event-preferences',
      type: EVENT_TYPES.USER_PREFERENCES_CHANGED,
      source: EVENT_SOURCES.IDENTITY,
      time: '2025-11-28T09:00:00.000Z',
      key: other,
      data: Object.assign(new UserPreferencesChanged(), { userId: other, changedAt: '2025-11-28T09:00:00.000Z' }),
    };

    await preparer.prepareChunk(
      [paymentStep(EVENT_TYPES.PAYMENT_INITIATED, { payerUserId: other }), paymentStep(EVENT_TYPES.PAYMENT_COMPLETED), paymentStep(EVENT_TYPES.PAYMENT_REVERSED), preferencesChanged],
      manager,
      { asOne: true },
    );
    // An initiated payment has no receipt, an identity event no reader.
    expect(preferences.remembered).toEqual([[PAYER, PAYEE, PAYER, PAYEE]]);

    expect(await deliveries.insertPending({ manager }, [draft])).toBe(1);
    expect(deliveries.rows).toEqual([]);
    await preparer.finishChunk(manager);
    expect(deliveries.rows.map((row) => row.deliveryId)).toEqual([draft.deliveryId]);
    expect(deliveries.deferredWrites).toEqual([1]);
  });

  it('leaves each handler to read and write on its own when the chunk runs message by message', async () => {
    const preferences = new InMemoryRecipientPreferences();
    const deliveries = new InMemoryDeliveries();
    const preparer = new ReceiptChunkPreparer(preferences, deliveries);
    const manager = {} as EntityManager;

    await preparer.prepareChunk([paymentStep(EVENT_TYPES.PAYMENT_COMPLETED)], manager, { asOne: false });

    expect(preferences.remembered).toEqual([]);
    expect(await deliveries.insertPending({ manager }, [draft])).toBe(1);
    expect(deliveries.rows.map((row) => row.deliveryId)).toEqual([draft.deliveryId]);
  });
});
