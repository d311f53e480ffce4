/**
 * Receipts in each user's language and time zone against the real PostgreSQL with the real
 * migrations: identity's announcements through the consumer (newer-only, in any order), then a
 * payment's receipts through the payment consumer, each in its reader's language, with the locale
 * stored beside the text and handed to the chat webhook. Kafka is not needed: handlers run in one
 * transaction each, as the batch consumer runs them.
 */
import { DataSource } from 'typeorm';
import { BankAccountLinked, EVENT_SOURCES, EVENT_TYPES, PaymentLifecycleEvent, TOPICS, UserPreferencesChanged, UserRegistered } from '@kirim/contracts';
import { InboundEvent, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase, SequentialIds } from '@kirim/testing';
import type { ClaimedDelivery, NotificationMessage } from '../delivery/delivery';
import { chatReceiptPayload } from '../delivery/chat-webhook/chat-webhook.channel';
import { StaticDeliveryEndpoints } from '../delivery/delivery-channel';
import { TypeOrmDeliveryRepository } from '../delivery/typeorm-delivery.repository';
import { NotificationEntity } from '../notifications/notification.entity';
import { NotificationRepository } from '../notifications/notification.repository';
import { PAYEE, PAYER, paymentEvent } from '../payment-receipts/payment-event.fixture';
import { PaymentEventsConsumer } from '../payment-receipts/payment-events.consumer';
import { NOTIFICATIONS_ENTITIES } from '../persistence/notifications-entities';
import { NOTIFICATIONS_MIGRATIONS } from '../persistence/notifications-migrations';
import { ScriptedChannel } from '../testing/in-memory-deliveries';
import { ApplyAppPresence } from './apply-app-presence/apply-app-presence.use-case';
import { ApplyRecipientPreferences } from './apply-recipient-preferences/apply-recipient-preferences.use-case';
import { IdentityEventsConsumer } from './identity-events.consumer';
import { TypeOrmRecipientPreferencesRepository } from './typeorm-recipient-preferences.repository';
import { ReceiptChunkPreparer } from '../notifications/receipt-chunk.preparer';
import { paymentEventsConsumerOver } from '../testing/payment-events-consumer';

describe('recipient preferences and receipts in them (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let unitOfWork: UnitOfWork;
  let deliveries: TypeOrmDeliveryRepository;
  let identityConsumer: IdentityEventsConsumer;
  let paymentConsumer: PaymentEventsConsumer;
  let chunkPreparer: ReceiptChunkPreparer;
  let preferences: TypeOrmRecipientPreferencesRepository;
  let offset = 0;
  const clock = new FixedClock(new Date('2025-11-28T10:00:02.000Z'));

  beforeAll(async () => {
    database = await createMigratedTestDatabase('notifications_preferences', { entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });
    dataSource = database.dataSource;
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.NOTIFICATIONS));
    deliveries = new TypeOrmDeliveryRepository(dataSource);
    preferences = new TypeOrmRecipientPreferencesRepository();
    identityConsumer = new IdentityEventsConsumer(new ApplyRecipientPreferences(preferences), new ApplyAppPresence(preferences));
    const notifications = new NotificationRepository(dataSource.getRepository(NotificationEntity));
    paymentConsumer = paymentEventsConsumerOver(dataSource, { notifications, deliveries, endpoints: new StaticDeliveryEndpoints([new ScriptedChannel('chat')]), preferences, clock, ids: new SequentialIds() });
    chunkPreparer = new ReceiptChunkPreparer(preferences, deliveries, notifications);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE recipient_preferences, notifications, deliveries, outbox_messages, inbox_messages');
  });

  function identityEvent<T extends object>(type: string, key: string, data: T): InboundEvent<T> {
    return { id: `evt-${++offset}`, type, source: EVENT_SOURCES.IDENTITY, time: new Date().toISOString(), key, data };
  }

  const context = (tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0], topic: string) => ({ tx, topic, partition: 0, offset: String(++offset) });

  function preferencesChanged(data: UserPreferencesChanged): Promise<void> {
    return unitOfWork.run((tx) => identityConsumer.onUserPreferencesChanged(identityEvent(EVENT_TYPES.USER_PREFERENCES_CHANGED, data.userId, data), context(tx, TOPICS.IDENTITY_EVENTS)));
  }

  function paymentCompleted(data: PaymentLifecycleEvent): Promise<void> {
    const event: InboundEvent<PaymentLifecycleEvent> = { id: `evt-${++offset}`, type: EVENT_TYPES.PAYMENT_COMPLETED, source: EVENT_SOURCES.PAYMENTS, time: data.occurredAt, key: data.paymentId, data };
    return unitOfWork.run((tx) => paymentConsumer.onPaymentCompleted(event, context(tx, TOPICS.PAYMENTS_EVENTS)));
  }

  function completedEvent(data: PaymentLifecycleEvent): InboundEvent<PaymentLifecycleEvent> {
    // As the transport hands it over: validated into the contract's class.
    const validated = Object.assign(new PaymentLifecycleEvent(), data);
    return { id: `evt-${++offset}`, type: EVENT_TYPES.PAYMENT_COMPLETED, source: EVENT_SOURCES.PAYMENTS, time: data.occurredAt, key: data.paymentId, data: validated };
  }

  /** How many receipts, deliveries and outgoing messages there are. */
  const rowsWritten = (): Promise<Array<{ notifications: number; deliveries: number; outbox: number }>> =>
    dataSource.query(`SELECT (SELECT count(*)::int FROM notifications) AS notifications, (SELECT count(*)::int FROM deliveries) AS deliveries, (SELECT count(*)::int FROM outbox_messages) AS outbox`);

  const stored = (): Promise<{ user_id: string; locale: string | null; time_zone: string | null; changed_at: Date }[]> =>
    dataSource.query('SELECT user_id, locale, time_zone, changed_at FROM recipient_preferences ORDER BY user_id');

  it('keeps the newest announcement of each user whatever order they arrive in', async () => {
    await preferencesChanged({ userId: PAYER, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: '2025-11-28T09:00:00.000Z' });
    // Newer, then an older one redelivered after it, then the newer one again.
    await preferencesChanged({ userId: PAYEE, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: '2025-11-28T09:30:00.000Z' });
    await preferencesChanged({ userId: PAYEE, locale: 'id-ID', changedAt: '2025-11-28T09:29:59.999Z' });
    await preferencesChanged({ userId: PAYEE, locale: 'en-IN', changedAt: '2025-11-28T09:30:00.000Z' });

    expect(await stored()).toEqual([
      { user_id: PAYER, locale: 'hi-IN', time_zone: 'Asia/Kolkata', changed_at: new Date('2025-11-28T09:00:00.000Z') },
      { user_id: PAYEE, locale: 'pt-BR', time_zone: 'America/Sao_Paulo', changed_at: new Date('2025-11-28T09:30:00.000Z') },
    ].sort((a, b) => a.user_id.localeCompare(b.user_id)));

    // A later change replaces both fields, a field left unset included.
    await preferencesChanged({ userId: PAYEE, locale: 'id-ID', changedAt: '2025-11-28T09:31:00.000Z' });
    expect((await stored()).find((row) => row.user_id === PAYEE)).toMatchObject({ locale: 'id-ID', time_zone: null });
  });

  it('writes a Hindi payer and a Portuguese payee one receipt each in their language and zone, and hands the chat webhook that locale', async () => {
    await preferencesChanged({ userId: PAYER, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: '2025-11-28T09:00:00.000Z' });
    await preferencesChanged({ userId: PAYEE, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: '2025-11-28T09:00:00.000Z' });

    await paymentCompleted(paymentEvent());
    await paymentCompleted(paymentEvent());

    const rows = await dataSource.getRepository(NotificationEntity).find({ order: { createdAt: 'ASC' } });
    expect(rows.map((row) => [row.userId, row.kind, row.locale, row.title])).toEqual([
      [PAYER, 'payment.sent', 'hi-IN', 'भुगतान भेजा गया'],
      [PAYEE, 'payment.received', 'pt-BR', 'Pagamento recebido'],
    ]);
    expect(rows[0].body).toContain('28 नव॰ 2025, 3:30 pm IST');
    expect(rows[1].body).toContain('28 de nov. de 2025, 07:00 BRT');

    const claimed = await deliveries.claimDue({ endpointKey: 'chat', now: clock.now(), limit: 10, leaseUntil: new Date(clock.now().getTime() + 60_000) });
    const payloads = claimed.map((delivery) => chatReceiptPayload(receiptOf(delivery), clock.now()).data);
    expect(payloads.map((data) => [data.userId, data.locale, data.title]).sort()).toEqual(
      [
        [PAYER, 'hi-IN', 'भुगतान भेजा गया'],
        [PAYEE, 'pt-BR', 'Pagamento recebido'],
      ].sort(),
    );
  });

  it('writes in en-IN and Asia/Kolkata to a user identity announced nothing for', async () => {
    await preferencesChanged({ userId: PAYER, locale: 'hi-IN', changedAt: '2025-11-28T09:00:00.000Z' });

    await paymentCompleted(paymentEvent());

    const payee = await dataSource.getRepository(NotificationEntity).findOneByOrFail({ userId: PAYEE });
    expect([payee.locale, payee.title]).toEqual(['en-IN', 'Payment received']);
    expect(payee.body).toContain('28 Nov 2025, 3:30 pm IST');
  });

  describe('a chunk run as one (ReceiptChunkPreparer)', () => {
    it("reads its payments' readers once, writes all their receipts and then all their deliveries with one statement each at its end, and each receipt is as a lone event's would be", async () => {
      await preferencesChanged({ userId: PAYER, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: '2025-11-28T09:00:00.000Z' });
      const events = [completedEvent(paymentEvent({ paymentId: '11111111-1111-4111-8111-111111111111' })), completedEvent(paymentEvent({ paymentId: '22222222-2222-4222-8222-222222222222' }))];

      const statements = await unitOfWork.run(async (tx) => {
        const query = jest.spyOn(tx.manager, 'query');
        try {
          await chunkPreparer.prepareChunk(events, tx.manager, { asOne: true });
          for (const event of events) await paymentConsumer.onPaymentCompleted(event, context(tx, TOPICS.PAYMENTS_EVENTS));
          const beforeFinish = query.mock.calls.map(([sql]) => String(sql));
          await chunkPreparer.finishChunk(tx.manager);
          const all = query.mock.calls.map(([sql]) => String(sql));
          // The chunk is finished: a delivery drafted after it is written at once.
          const [notification] = await tx.manager.query<Array<{ id: string }>>(`SELECT id FROM notifications LIMIT 1`);
          await deliveries.insertPending(tx, [{ deliveryId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', notificationId: notification.id, recipientUserId: PAYER, channel: 'chat', endpointKey: 'sms', occurredAt: clock.now(), createdAt: clock.now() }]);
          const [written] = await tx.manager.query<Array<{ count: string }>>(`SELECT count(*)::text AS count FROM deliveries WHERE id = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'`);
          expect(written.count).toBe('1');
          return { beforeFinish, all };
        } finally {
          query.mockRestore();
        }
      });

      expect(statements.all.filter((sql) => sql.includes('FROM recipient_preferences'))).toHaveLength(1);
      expect(statements.beforeFinish.filter((sql) => sql.includes('INSERT INTO deliveries') || sql.includes('INSERT INTO notifications'))).toHaveLength(0);
      expect(statements.all.filter((sql) => sql.includes('INSERT INTO deliveries'))).toHaveLength(1);
      expect(statements.all.filter((sql) => sql.includes('INSERT INTO notifications'))).toHaveLength(1);
      const rows = await dataSource.getRepository(NotificationEntity).find();
      expect(rows.map((row) => [row.userId, row.locale]).sort()).toEqual([[PAYEE, 'en-IN'], [PAYEE, 'en-IN'], [PAYER, 'hi-IN'], [PAYER, 'hi-IN']].sort());
      const claimed = await deliveries.claimDue({ endpointKey: 'chat', now: clock.now(), limit: 10, leaseUntil: new Date(clock.now().getTime() + 60_000) });
      expect(claimed.map((delivery) => receiptOf(delivery).notificationId).sort()).toEqual(rows.map((row) => row.id).sort());
    });

    it('writes a receipt in the language a change earlier in the same chunk set, not the one read at its start', async () => {
      await preferencesChanged({ userId: PAYEE, locale: 'hi-IN', changedAt: '2025-11-28T09:00:00.000Z' });
      const payment = completedEvent(paymentEvent());
      const change: UserPreferencesChanged = { userId: PAYEE, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: '2025-11-28T09:30:00.000Z' };

      await unitOfWork.run(async (tx) => {
        await chunkPreparer.prepareChunk([identityEvent(EVENT_TYPES.USER_PREFERENCES_CHANGED, PAYEE, change), payment], tx.manager, { asOne: true });
        await identityConsumer.onUserPreferencesChanged(identityEvent(EVENT_TYPES.USER_PREFERENCES_CHANGED, PAYEE, change), context(tx, TOPICS.IDENTITY_EVENTS));
        await paymentConsumer.onPaymentCompleted(payment, context(tx, TOPICS.PAYMENTS_EVENTS));
        await chunkPreparer.finishChunk(tx.manager);
      });

      const payee = await dataSource.getRepository(NotificationEntity).findOneByOrFail({ userId: PAYEE });
      expect([payee.locale, payee.title]).toEqual(['pt-BR', 'Pagamento recebido']);
    });

    it('reads a remembered user from the table again once the chunk saved their preferences or app presence', async () => {
      await preferencesChanged({ userId: PAYER, locale: 'hi-IN', changedAt: '2025-11-28T09:00:00.000Z' });

      const seen = await unitOfWork.run(async (tx) => {
        await preferences.rememberUsers(tx, [PAYER, PAYEE]);
        const atStart = await preferences.findByUserIds(tx, [PAYER, PAYEE]);
        await preferences.saveAppPresenceIfNewer(tx, { userId: PAYEE, hasApp: false, changedAt: new Date('2025-11-28T09:10:00.000Z') });
        await preferences.saveIfNewer(tx, { userId: PAYER, locale: 'pt-BR', timeZone: null, changedAt: new Date('2025-11-28T09:20:00.000Z') });
        return { atStart, after: await preferences.findByUserIds(tx, [PAYER, PAYEE]) };
      });

      expect([seen.atStart.get(PAYER)?.locale, seen.atStart.has(PAYEE)]).toEqual(['hi-IN', false]);
      expect([seen.after.get(PAYER)?.locale, seen.after.get(PAYEE)?.hasApp]).toEqual(['pt-BR', false]);
    });

    it('throws at its end, so the chunk is replayed message by message, when one of its deliveries was there already', async () => {
      const payment = completedEvent(paymentEvent());
      await paymentCompleted(payment.data);
      const [existing] = await dataSource.query<Array<{ id: string; notification_id: string }>>(`SELECT id, notification_id FROM deliveries LIMIT 1`);

      const chunk = unitOfWork.run(async (tx) => {
        await chunkPreparer.prepareChunk([payment], tx.manager, { asOne: true });
        await deliveries.insertPending(tx, [{ deliveryId: existing.id, notificationId: existing.notification_id, recipientUserId: PAYER, channel: 'chat', endpointKey: 'chat', occurredAt: clock.now(), createdAt: clock.now() }]);
        await chunkPreparer.finishChunk(tx.manager);
      });

      await expect(chunk).rejects.toThrow("1 of the chunk's 1 deliveries were there already");
    });

    it('throws at its end, so the chunk is replayed message by message, when one of its receipts was there already; nothing of it stays', async () => {
      const payment = completedEvent(paymentEvent());
      await paymentCompleted(payment.data);
      const before = await rowsWritten();

      // The same step again under another event id: the inbox cannot tell, the receipts' unique key can.
      const again = { ...payment, id: `${payment.id}-again` };
      const chunk = unitOfWork.run(async (tx) => {
        await chunkPreparer.prepareChunk([again], tx.manager, { asOne: true });
        await paymentConsumer.onPaymentCompleted(again, context(tx, TOPICS.PAYMENTS_EVENTS));
        await chunkPreparer.finishChunk(tx.manager);
      });

      await expect(chunk).rejects.toThrow("2 of the chunk's 2 notifications were there already");
      expect(await rowsWritten()).toEqual(before);
    });
  });

  it('stores nothing for the identity events notifications does not need', async () => {
    const registered: UserRegistered = { userId: PAYER, registeredAt: '2025-11-28T09:00:00.000Z' };
    const linked: BankAccountLinked = { userId: PAYER, linkedAccountId: '5d2c9a4e-1b3f-4c6d-8e7f-9a0b1c2d3e4f', bankCode: 'SBXA', maskedAccountNumber: 'XXXXXXXX1234', linkedAt: '2025-11-28T09:00:00.000Z' };

    await unitOfWork.run(async (tx) => {
      await identityConsumer.onUserRegistered(identityEvent(EVENT_TYPES.USER_REGISTERED, PAYER, registered), context(tx, TOPICS.IDENTITY_EVENTS));
      await identityConsumer.onBankAccountLinked(identityEvent(EVENT_TYPES.BANK_ACCOUNT_LINKED, PAYER, linked), context(tx, TOPICS.IDENTITY_EVENTS));
    });

    expect(await stored()).toEqual([]);
    expect(await dataSource.query('SELECT * FROM outbox_messages')).toEqual([]);
  });
});

function receiptOf(delivery: ClaimedDelivery): NotificationMessage {
  if (delivery.notification === undefined) throw new Error(`delivery ${delivery.deliveryId} carries no receipt`);
  return delivery.notification;
}
