import type { EntityManager } from 'typeorm';
import { EVENT_TYPES } from '@kirim/contracts';
import type { OutgoingEvent, TransactionScope } from '@kirim/messaging';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { DeliveryEndpoints, StaticDeliveryEndpoints } from '../../delivery/delivery-channel';
import { InMemoryDeliveries, ScriptedChannel } from '../../testing/in-memory-deliveries';
import { InMemoryRecipientPreferences } from '../../testing/in-memory-recipient-preferences';
import { NotificationStore, RecordedNotification } from './notification-store';
import type { ReceiptDraft } from './payment-receipt-rules';
import { PAYEE, PAYER, PAYMENT_ID, paymentEvent } from '../payment-event.fixture';
import { RecordPaymentReceipts } from './record-payment-receipts.use-case';

/** In-memory store with the table's unique key (user, payment, kind). */
class FakeNotificationStore extends NotificationStore {
  readonly rows: (ReceiptDraft & RecordedNotification)[] = [];
  private nextId = 1;

  async insertIgnoringDuplicates(_manager: EntityManager, drafts: readonly ReceiptDraft[]): Promise<RecordedNotification[]> {
    const inserted: RecordedNotification[] = [];
    for (const draft of drafts) {
      const exists = this.rows.some((r) => r.userId === draft.userId && r.paymentId === draft.paymentId && r.kind === draft.kind);
      if (exists) continue;
      const row = {
        ...draft,
        notificationId: `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, '0')}`,
        createdAt: new Date('2025-11-28T10:00:01.000Z'),
      };
      this.rows.push(row);
      inserted.push(row);
    }
    return inserted;
  }
}

function fakeTransaction(): { tx: TransactionScope; published: OutgoingEvent[] } {
  const published: OutgoingEvent[] = [];
  const tx: TransactionScope = {
    manager: {} as EntityManager,
    publish: async (event) => {
      published.push(event);
    },
  };
  return { tx, published };
}

function useCase(
  store: NotificationStore,
  deliveries = new InMemoryDeliveries(),
  endpoints: DeliveryEndpoints = new StaticDeliveryEndpoints([]),
  preferences = new InMemoryRecipientPreferences(),
): RecordPaymentReceipts {
  return new RecordPaymentReceipts(store, deliveries, endpoints, preferences, new FixedClock(), new SequentialIds());
}

describe('RecordPaymentReceipts', () => {
  it('records a receipt for payer and payee of a completed payment and announces each, keyed by user', async () => {
    const store = new FakeNotificationStore();
    const { tx, published } = fakeTransaction();

    const result = await useCase(store).execute(tx, { outcome: 'completed', payment: paymentEvent() });

    expect(result).toEqual({ recorded: 2, deliveries: 0 });
    expect(store.rows.map((r) => r.kind)).toEqual(['payment.sent', 'payment.received']);
    expect(published).toEqual([
      {
        type: EVENT_TYPES.NOTIFICATION_RECORDED,
        key: PAYER,
        subject: store.rows[0].notificationId,
        data: {
          notificationId: store.rows[0].notificationId,
          userId: PAYER,
          kind: 'payment.sent',
          paymentId: PAYMENT_ID,
          recordedAt: '2025-11-28T10:00:01.000Z',
        },
      },
      expect.objectContaining({ key: PAYEE, data: expect.objectContaining({ userId: PAYEE, kind: 'payment.received' }) }),
    ]);
  });

  it('records and announces nothing when the same outcome is applied again', async () => {
    const store = new FakeNotificationStore();
    const recordReceipts = useCase(store);
    await recordReceipts.execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

    const replay = fakeTransaction();
    const result = await recordReceipts.execute(replay.tx, { outcome: 'completed', payment: paymentEvent() });

    expect(result).toEqual({ recorded: 0, deliveries: 0 });
    expect(store.rows).toHaveLength(2);
    expect(replay.published).toEqual([]);
  });

  it('tells only the payer about a failure', async () => {
    const store = new FakeNotificationStore();
    const { tx, published } = fakeTransaction();

    await useCase(store).execute(tx, {
      outcome: 'failed',
      payment: paymentEvent({ status: 'debit_failed', resultCode: 'Z9' }),
    });

    expect(store.rows).toEqual([expect.objectContaining({ userId: PAYER, kind: 'payment.failed' })]);
    expect(published.map((e) => e.key)).toEqual([PAYER]);
  });

  describe("in each recipient's language and time zone", () => {
    it('writes a Hindi payer and a Portuguese payee one receipt each in their own language, looking both up in one query', async () => {
      const store = new FakeNotificationStore();
      const preferences = new InMemoryRecipientPreferences();
      preferences.rows.set(PAYER, { userId: PAYER, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: new Date('2025-11-01T00:00:00Z') });
      preferences.rows.set(PAYEE, { userId: PAYEE, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: new Date('2025-11-01T00:00:00Z') });

      await useCase(store, undefined, undefined, preferences).execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      expect(preferences.lookups).toEqual([[PAYER, PAYEE]]);
      expect(store.rows.map((r) => [r.userId, r.kind, r.locale, r.title])).toEqual([
        [PAYER, 'payment.sent', 'hi-IN', 'भुगतान भेजा गया'],
        [PAYEE, 'payment.received', 'pt-BR', 'Pagamento recebido'],
      ]);
      // 10:00 UTC: 3:30 pm in Kolkata, 07:00 in São Paulo; each amount and date as its language writes them.
      expect(store.rows[0].body.split('\n').slice(0, 3)).toEqual(['आपने ₹500.00 का भुगतान किया।', '', '28 नव॰ 2025, 3:30 pm IST']);
      expect(store.rows[1].body.split('\n').slice(0, 3)).toEqual(['Você recebeu ₹\u00a0500,00.', '', '28 de nov. de 2025, 07:00 BRT']);
    });

    it('writes in en-IN and Asia/Kolkata to a recipient with no preferences, or with unusable ones', async () => {
      const store = new FakeNotificationStore();
      const preferences = new InMemoryRecipientPreferences();
      preferences.rows.set(PAYEE, { userId: PAYEE, locale: 'fr-FR', timeZone: null, changedAt: new Date('2025-11-01T00:00:00Z') });

      await useCase(store, undefined, undefined, preferences).execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      expect(store.rows.map((r) => [r.locale, r.title])).toEqual([
        ['en-IN', 'Payment sent'],
        ['en-IN', 'Payment received'],
      ]);
      expect(store.rows[1].body).toContain('28 Nov 2025, 3:30 pm IST');
    });
  });

  describe('with the chat webhook configured', () => {
    const chat = new StaticDeliveryEndpoints([new ScriptedChannel('chat')]);

    it('writes one chat delivery per new receipt, due at once, in the same transaction', async () => {
      const store = new FakeNotificationStore();
      const deliveries = new InMemoryDeliveries();

      const result = await useCase(store, deliveries, chat).execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      expect(result).toEqual({ recorded: 2, deliveries: 2 });
      expect(deliveries.rows.map((d) => [d.notificationId, d.recipientUserId, d.channel, d.endpointKey, d.status, d.attempts])).toEqual([
        [store.rows[0].notificationId, PAYER, 'chat', 'chat', 'pending', 0],
        [store.rows[1].notificationId, PAYEE, 'chat', 'chat', 'pending', 0],
      ]);
      expect(deliveries.rows[0].nextAttemptAt).toEqual(new FixedClock().now());
      expect(deliveries.rows[0].occurredAt).toEqual(new Date('2025-11-28T10:00:00.000Z'));
      expect(new Set(deliveries.rows.map((d) => d.deliveryId)).size).toBe(2);
    });

    it('writes no second delivery when the event comes again', async () => {
      const store = new FakeNotificationStore();
      const deliveries = new InMemoryDeliveries();
      const recordReceipts = useCase(store, deliveries, chat);
      await recordReceipts.execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      const again = await recordReceipts.execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      expect(again).toEqual({ recorded: 0, deliveries: 0 });
      expect(deliveries.rows).toHaveLength(2);
    });
  });
});
