import type { EntityManager } from 'typeorm';
import { EVENT_TYPES, MoneyDto } from '@kirim/contracts';
import type { InTransaction, OutgoingEvent, TransactionScope } from '@kirim/messaging';
import { FixedClock, SequentialIds } from '@kirim/testing';
import type { DeliveryOutcome } from '../../delivery/delivery';
import { DeliveryChannel, DeliveryEndpoints, StaticDeliveryEndpoints } from '../../delivery/delivery-channel';
import { InMemoryDeliveries, ScriptedChannel } from '../../testing/in-memory-deliveries';
import { InMemoryNotificationStore } from '../../testing/in-memory-notifications';
import { InMemoryRecipientPreferences } from '../../testing/in-memory-recipient-preferences';
import { CUSTOMER, MERCHANT_ID, MERCHANT_OWNER, ORDER_ID, ORDER_PAYMENT_ID, orderPaymentEvent, REFUND_ID, refundEvent } from '../../testing/merchant-payment-events';
import { KnownMerchant, MerchantDirectory } from '../../merchant-webhooks/merchant-directory';
import { MerchantEventDraft, MerchantEventStore } from '../../merchant-webhooks/merchant-event.store';
import { merchantWebhookData } from '../../merchant-webhooks/record-merchant-payment-event/record-merchant-payment-event.use-case';
import { ReceiptRecorder } from '../../notifications/record-receipts';
import { NotificationStore } from './notification-store';
import { PAYEE, PAYER, PAYMENT_ID, paymentEvent } from '../payment-event.fixture';
import { RecordPaymentReceipts } from './record-payment-receipts.use-case';


/** The merchants table in memory; notes the transaction of each lookup. */
class FakeMerchantDirectory extends MerchantDirectory {
  readonly merchants = new Map<string, KnownMerchant>();
  readonly lookups: { tx: InTransaction | undefined; merchantId: string }[] = [];

  async record(_tx: InTransaction, merchant: KnownMerchant): Promise<void> {
    if (!this.merchants.has(merchant.merchantId)) this.merchants.set(merchant.merchantId, merchant);
  }

  async findById(merchantId: string): Promise<KnownMerchant | null> {
    this.lookups.push({ tx: undefined, merchantId });
    return this.merchants.get(merchantId) ?? null;
  }

  async findByIdIn(tx: InTransaction, merchantId: string): Promise<KnownMerchant | null> {
    this.lookups.push({ tx, merchantId });
    return this.merchants.get(merchantId) ?? null;
  }
}

/** merchant_events in memory, unique per (merchant, payment, type) as the table is. */
class FakeMerchantEvents extends MerchantEventStore {
  readonly rows: MerchantEventDraft[] = [];

  async insertIgnoringDuplicate(_tx: InTransaction, event: MerchantEventDraft): Promise<boolean> {
    const exists = this.rows.some((r) => r.merchantId === event.merchantId && r.data.paymentId === event.data.paymentId && r.type === event.type);
    if (!exists) this.rows.push(event);
    return !exists;
  }

  async paidAmountOf(_tx: InTransaction, merchantId: string, paymentId: string): Promise<MoneyDto | null> {
    const completed = this.rows.find((r) => r.merchantId === merchantId && r.data.paymentId === paymentId && r.type === 'payment.completed');
    return completed?.data.amount ?? null;
  }
}

function fakeTransaction(): { tx: TransactionScope; published: OutgoingEvent[] } {
  const published: OutgoingEvent[] = [];
  const tx: TransactionScope = {
    manager: {} as EntityManager,
    publish: async (event) => {
      published.push(event);
    },
    afterCommit: () => undefined,
  };
  return { tx, published };
}

/** A store whose receipts are recorded a second after the payment's event. */
const newStore = (): InMemoryNotificationStore => new InMemoryNotificationStore(new Date('2025-11-28T10:00:01.000Z'));

function useCase(
  store: NotificationStore,
  deliveries = new InMemoryDeliveries(),
  endpoints: DeliveryEndpoints = new StaticDeliveryEndpoints([]),
  preferences = new InMemoryRecipientPreferences(),
  merchants = new FakeMerchantDirectory(),
  merchantEvents = new FakeMerchantEvents(),
): RecordPaymentReceipts {
  const receipts = new ReceiptRecorder(store, deliveries, endpoints, preferences, new FixedClock(), new SequentialIds());
  return new RecordPaymentReceipts(receipts, merchants, merchantEvents);
}

describe('RecordPaymentReceipts', () => {
  it('records a receipt for payer and payee of a completed payment and announces each, keyed by user', async () => {
    const store = newStore();
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
    const store = newStore();
    const recordReceipts = useCase(store);
    await recordReceipts.execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

    const replay = fakeTransaction();
    const result = await recordReceipts.execute(replay.tx, { outcome: 'completed', payment: paymentEvent() });

    expect(result).toEqual({ recorded: 0, deliveries: 0 });
    expect(store.rows).toHaveLength(2);
    expect(replay.published).toEqual([]);
  });

  it('tells only the payer about a failure', async () => {
    const store = newStore();
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
      const store = newStore();
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
      const store = newStore();
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
      const store = newStore();
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
      const store = newStore();
      const deliveries = new InMemoryDeliveries();
      const recordReceipts = useCase(store, deliveries, chat);
      await recordReceipts.execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      const again = await recordReceipts.execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      expect(again).toEqual({ recorded: 0, deliveries: 0 });
      expect(deliveries.rows).toHaveLength(2);
    });
  });

  describe('with the chat webhook and SMS configured', () => {
    /** The SMS endpoint as receipt deliveries see it: for users without the app only. */
    class SmsEndpoint extends DeliveryChannel {
      readonly channel = 'sms' as const;
      override readonly audience = 'users-without-app' as const;
      readonly endpointKey = 'sms';
      async deliver(): Promise<DeliveryOutcome> {
        return { kind: 'delivered' };
      }
    }
    const chatAndSms = new StaticDeliveryEndpoints([new ScriptedChannel('chat'), new SmsEndpoint()]);

    it('writes an SMS delivery, beside the chat one, only for a recipient identity said has no app', async () => {
      const store = newStore();
      const deliveries = new InMemoryDeliveries();
      const preferences = new InMemoryRecipientPreferences();
      await preferences.saveAppPresenceIfNewer(fakeTransaction().tx, { userId: PAYER, hasApp: false, changedAt: new Date('2025-11-01T00:00:00Z') });
      await preferences.saveAppPresenceIfNewer(fakeTransaction().tx, { userId: PAYEE, hasApp: true, changedAt: new Date('2025-11-01T00:00:00Z') });

      const result = await useCase(store, deliveries, chatAndSms, preferences).execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      expect(result).toEqual({ recorded: 2, deliveries: 3 });
      expect(deliveries.rows.map((d) => [d.recipientUserId, d.channel, d.endpointKey])).toEqual([
        [PAYER, 'chat', 'chat'],
        [PAYER, 'sms', 'sms'],
        [PAYEE, 'chat', 'chat'],
      ]);
      expect(preferences.lookups).toEqual([[PAYER, PAYEE]]);
    });

    it('sends no SMS to a recipient identity announced no presence for: one not heard of has the app', async () => {
      const store = newStore();
      const deliveries = new InMemoryDeliveries();
      const preferences = new InMemoryRecipientPreferences();
      preferences.rows.set(PAYER, { userId: PAYER, locale: 'hi-IN', timeZone: null, changedAt: new Date('2025-11-01T00:00:00Z') });

      await useCase(store, deliveries, chatAndSms, preferences).execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      expect(deliveries.rows.map((d) => d.channel)).toEqual(['chat', 'chat']);
    });
  });

  describe("a merchant's order payment and refund", () => {
    const chaiPoint: KnownMerchant = { merchantId: MERCHANT_ID, ownerUserId: MERCHANT_OWNER, displayName: 'Chai Point', onboardedAt: new Date('2025-11-01T09:00:00Z') };

    function merchantSide(): { merchants: FakeMerchantDirectory; merchantEvents: FakeMerchantEvents } {
      const merchants = new FakeMerchantDirectory();
      merchants.merchants.set(MERCHANT_ID, chaiPoint);
      return { merchants, merchantEvents: new FakeMerchantEvents() };
    }

    /** The order payment's completion as RecordMerchantPaymentEvent records it for the merchant's webhook. */
    async function recordOrderPaymentCompleted(merchantEvents: FakeMerchantEvents): Promise<void> {
      const payment = orderPaymentEvent();
      await merchantEvents.insertIgnoringDuplicate(fakeTransaction().tx, {
        merchantEventId: '00000000-0000-4000-8000-0000000000e1',
        merchantId: MERCHANT_ID,
        type: 'payment.completed',
        data: merchantWebhookData(payment, { merchantId: MERCHANT_ID, orderId: ORDER_ID }),
        occurredAt: new Date(payment.occurredAt),
        createdAt: new Date(payment.occurredAt),
      });
    }

    it("tells the customer they paid the merchant, by name, and the owner in the merchant's words, looking the merchant up in the batch's transaction", async () => {
      const store = newStore();
      const { merchants, merchantEvents } = merchantSide();
      const { tx, published } = fakeTransaction();

      const result = await useCase(store, undefined, undefined, undefined, merchants, merchantEvents).execute(tx, { outcome: 'completed', payment: orderPaymentEvent() });

      expect(result).toEqual({ recorded: 2, deliveries: 0 });
      expect(store.rows.map((r) => [r.userId, r.kind, r.paymentId, r.title, r.body.split('\n')[0]])).toEqual([
        [CUSTOMER, 'payment.sent', ORDER_PAYMENT_ID, 'Payment sent', 'You paid ₹500.00 to Chai Point.'],
        [MERCHANT_OWNER, 'payment.received', ORDER_PAYMENT_ID, 'Payment received', 'A customer paid ₹500.00.'],
      ]);
      expect(published.map((e) => [e.key, (e.data as { kind: string }).kind])).toEqual([
        [CUSTOMER, 'payment.sent'],
        [MERCHANT_OWNER, 'payment.received'],
      ]);
      expect(merchants.lookups).toEqual([{ tx, merchantId: MERCHANT_ID }]);
    });

    it('names the merchant to a customer whose payment failed, and tells the owner nothing', async () => {
      const store = newStore();
      const { merchants, merchantEvents } = merchantSide();

      await useCase(store, undefined, undefined, undefined, merchants, merchantEvents).execute(fakeTransaction().tx, {
        outcome: 'failed',
        payment: orderPaymentEvent({ status: 'debit_failed', resultCode: 'Z9' }),
      });

      expect(store.rows.map((r) => [r.userId, r.kind, r.body.split('\n')[0]])).toEqual([
        [CUSTOMER, 'payment.failed', 'Your payment of ₹500.00 to Chai Point failed. Reason: insufficient balance. No money was taken from your account.'],
      ]);
    });

    it('names no merchant it has not heard of, and still words the receipts for a customer and a merchant', async () => {
      const store = newStore();

      await useCase(store).execute(fakeTransaction().tx, { outcome: 'completed', payment: orderPaymentEvent() });

      expect(store.rows.map((r) => [r.userId, r.kind, r.body.split('\n')[0]])).toEqual([
        [CUSTOMER, 'payment.sent', 'You paid ₹500.00.'],
        [MERCHANT_OWNER, 'payment.received', 'A customer paid ₹500.00.'],
      ]);
    });

    it("tells a refund's customer, in Hindi, how much of the order payment came back, and the owner what they refunded", async () => {
      const store = newStore();
      const { merchants, merchantEvents } = merchantSide();
      await recordOrderPaymentCompleted(merchantEvents);
      const preferences = new InMemoryRecipientPreferences();
      preferences.rows.set(CUSTOMER, { userId: CUSTOMER, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: new Date('2025-11-01T00:00:00Z') });
      const { published, tx } = fakeTransaction();

      await useCase(store, undefined, undefined, preferences, merchants, merchantEvents).execute(tx, { outcome: 'completed', payment: refundEvent() });

      expect(store.rows.map((r) => [r.userId, r.kind, r.paymentId, r.locale, r.title, r.body.split('\n')[0]])).toEqual([
        [CUSTOMER, 'refund.received', REFUND_ID, 'hi-IN', 'रिफ़ंड मिला', 'Chai Point ने ₹500.00 के आपके भुगतान में से ₹150.00 का रिफ़ंड किया है।'],
        [MERCHANT_OWNER, 'refund.sent', REFUND_ID, 'en-IN', 'Refund completed', 'You refunded ₹150.00 of a payment of ₹500.00.'],
      ]);
      expect(store.rows[0].body).toContain('\n\n28 नव॰ 2025, 3:30 pm IST\n');
      expect(published.map((e) => [e.key, (e.data as { kind: string }).kind])).toEqual([
        [CUSTOMER, 'refund.received'],
        [MERCHANT_OWNER, 'refund.sent'],
      ]);
    });

    it("words a refund generically while the order payment's amount is unknown, and tells nobody again once it is known", async () => {
      const store = newStore();
      const { merchants, merchantEvents } = merchantSide();
      const recordReceipts = useCase(store, undefined, undefined, undefined, merchants, merchantEvents);

      await recordReceipts.execute(fakeTransaction().tx, { outcome: 'completed', payment: refundEvent() });
      expect(store.rows.map((r) => [r.userId, r.kind, r.title, r.body.split('\n')[0]])).toEqual([
        [CUSTOMER, 'refund.received', 'Payment received', 'You received ₹150.00 from Chai Point.'],
        [MERCHANT_OWNER, 'refund.sent', 'Payment sent', 'You paid ₹150.00.'],
      ]);

      await recordOrderPaymentCompleted(merchantEvents);
      const replay = fakeTransaction();
      const again = await recordReceipts.execute(replay.tx, { outcome: 'completed', payment: refundEvent() });

      expect(again).toEqual({ recorded: 0, deliveries: 0 });
      expect(store.rows).toHaveLength(2);
      expect(replay.published).toEqual([]);
    });

    it('tells only the owner of a refund that failed', async () => {
      const store = newStore();
      const { merchants, merchantEvents } = merchantSide();
      await recordOrderPaymentCompleted(merchantEvents);

      await useCase(store, undefined, undefined, undefined, merchants, merchantEvents).execute(fakeTransaction().tx, {
        outcome: 'failed',
        payment: refundEvent({ status: 'debit_failed', resultCode: 'Z9' }),
      });

      expect(store.rows.map((r) => [r.userId, r.kind, r.paymentId, r.body.split('\n')[0]])).toEqual([
        [MERCHANT_OWNER, 'payment.failed', REFUND_ID, 'Your payment of ₹150.00 failed. Reason: insufficient balance. No money was taken from your account.'],
      ]);
    });

    it('looks up no merchant for a payment between people', async () => {
      const store = newStore();
      const { merchants, merchantEvents } = merchantSide();

      await useCase(store, undefined, undefined, undefined, merchants, merchantEvents).execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

      expect(merchants.lookups).toEqual([]);
      expect(store.rows.map((r) => r.body.split('\n')[0])).toEqual(['You paid ₹500.00.', 'You received ₹500.00.']);
    });
  });
});
