import { EVENT_SOURCES, EVENT_TYPES, EventType, PaymentLifecycleEvent, UserPreferencesChanged } from '@kirim/contracts';
import type { InboundEvent } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import { PAYEE, PAYER, paymentEvent } from '../payment-receipts/payment-event.fixture';
import { NotificationDraft } from '../payment-receipts/record-payment-receipts/notification-store';
import { InMemoryDeliveries } from '../testing/in-memory-deliveries';
import { InMemoryNotificationStore } from '../testing/in-memory-notifications';
import { InMemoryRecipientPreferences } from '../testing/in-memory-recipient-preferences';
import { ReceiptChunkPreparer } from './receipt-chunk.preparer';

function paymentStep(type: EventType, overrides: Partial<PaymentLifecycleEvent> = {}): InboundEvent<object> {
  const data = Object.assign(new PaymentLifecycleEvent(), paymentEvent(overrides));
  return { id: `event-${type}-${data.paymentId}`, type, source: EVENT_SOURCES.PAYMENTS, time: data.occurredAt, key: data.paymentId, data };
}

const receipt: NotificationDraft = { userId: PAYER, kind: 'payment.sent', paymentId: '4c5d6e7f-8091-4a2b-8c3d-4e5f6a7b8c9d', locale: 'en-IN', title: 'Payment sent', body: 'You paid.' };
const draft = { deliveryId: '9b2f7c1e-0d4a-4e5b-8c6d-7e8f9a0b1c2d', notificationId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', recipientUserId: PAYER, channel: 'chat' as const, endpointKey: 'chat', occurredAt: new Date(0), createdAt: new Date(0) };

describe('ReceiptChunkPreparer', () => {
  it("remembers the readers of the chunk's receipt-bearing payment steps, and holds its receipts and deliveries for its end", async () => {
    const preferences = new InMemoryRecipientPreferences();
    const deliveries = new InMemoryDeliveries();
    const notifications = new InMemoryNotificationStore(new Date(0));
    const preparer = new ReceiptChunkPreparer(preferences, deliveries, notifications);
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

    const [kept] = await notifications.insertIgnoringDuplicates(manager, [receipt]);
    expect(kept).toMatchObject({ userId: PAYER, paymentId: receipt.paymentId });
    expect(await deliveries.insertPending({ manager }, [{ ...draft, notificationId: kept.notificationId }])).toBe(1);
    expect([notifications.rows, deliveries.rows]).toEqual([[], []]);
    await preparer.finishChunk(manager);
    expect(notifications.rows.map((row) => row.notificationId)).toEqual([kept.notificationId]);
    expect(deliveries.rows.map((row) => row.deliveryId)).toEqual([draft.deliveryId]);
    expect([notifications.deferredWrites, deliveries.deferredWrites]).toEqual([[1], [1]]);
  });

  it('fails the chunk at its end when one of its receipts was there already, so it is replayed message by message', async () => {
    const notifications = new InMemoryNotificationStore(new Date(0));
    const preparer = new ReceiptChunkPreparer(new InMemoryRecipientPreferences(), new InMemoryDeliveries(), notifications);
    const manager = {} as EntityManager;
    await notifications.insertIgnoringDuplicates({} as EntityManager, [receipt]);

    await preparer.prepareChunk([paymentStep(EVENT_TYPES.PAYMENT_COMPLETED)], manager, { asOne: true });
    await notifications.insertIgnoringDuplicates(manager, [receipt]);

    await expect(preparer.finishChunk(manager)).rejects.toThrow('was there already');
  });

  it('leaves each handler to read and write on its own when the chunk runs message by message', async () => {
    const preferences = new InMemoryRecipientPreferences();
    const deliveries = new InMemoryDeliveries();
    const notifications = new InMemoryNotificationStore(new Date(0));
    const preparer = new ReceiptChunkPreparer(preferences, deliveries, notifications);
    const manager = {} as EntityManager;

    await preparer.prepareChunk([paymentStep(EVENT_TYPES.PAYMENT_COMPLETED)], manager, { asOne: false });

    expect(preferences.remembered).toEqual([]);
    expect(await notifications.insertIgnoringDuplicates(manager, [receipt])).toHaveLength(1);
    expect(notifications.rows).toHaveLength(1);
    expect(await deliveries.insertPending({ manager }, [draft])).toBe(1);
    expect(deliveries.rows.map((row) => row.deliveryId)).toEqual([draft.deliveryId]);
  });
});
