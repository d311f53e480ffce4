/**
 * Collect request receipts against the real PostgreSQL with the real migrations: the consumer's
 * handlers, the use case, the ON CONFLICT insert under the table's (user, collect request, kind) key,
 * the deliveries and the outbox rows, all in one transaction as the batch consumer runs them. A
 * collect event redelivered (under a new CloudEvents id, so the inbox cannot catch it) records,
 * announces and delivers nothing twice. Kafka is not needed: the outbox is where the effect ends.
 */
import { DataSource } from 'typeorm';
import { CollectRequestEvent, EVENT_SOURCES, EVENT_TYPES, MerchantOnboarded, TOPICS } from '@kirim/contracts';
import { InboundEvent, InboundMessageContext, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase, SequentialIds } from '@kirim/testing';
import { StaticDeliveryEndpoints } from '../delivery/delivery-channel';
import { TypeOrmDeliveryRepository } from '../delivery/typeorm-delivery.repository';
import { NotificationEntity } from '../notifications/notification.entity';
import { NotificationRepository } from '../notifications/notification.repository';
import { PaymentEventsConsumer } from '../payment-receipts/payment-events.consumer';
import { PAYMENT_ID, paymentEvent } from '../payment-receipts/payment-event.fixture';
import { NOTIFICATIONS_ENTITIES } from '../persistence/notifications-entities';
import { NOTIFICATIONS_MIGRATIONS } from '../persistence/notifications-migrations';
import { TypeOrmRecipientPreferencesRepository } from '../recipient-preferences/typeorm-recipient-preferences.repository';
import { ScriptedChannel } from '../testing/in-memory-deliveries';
import { MERCHANT, OWNER } from '../testing/in-memory-merchant-webhooks';
import { paymentEventsConsumerOver } from '../testing/payment-events-consumer';

const CUSTOMER = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const REQUEST_ID = '6d7e8f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f';

function collectEvent(overrides: Partial<CollectRequestEvent> = {}): CollectRequestEvent {
  return {
    collectRequestId: REQUEST_ID,
    payerUserId: CUSTOMER,
    merchantId: MERCHANT,
    reference: 'INV-7781',
    amount: { value: '250.00', currency: 'INR' },
    note: 'Table 4',
    status: 'pending',
    expiresAt: '2026-11-28T10:30:00.000Z',
    occurredAt: '2026-11-28T10:00:00.000Z',
    ...overrides,
  };
}

describe('collect request receipts (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let unitOfWork: UnitOfWork;
  let repository: NotificationRepository;
  let consumer: PaymentEventsConsumer;
  let offset = 0;

  beforeAll(async () => {
    database = await createMigratedTestDatabase('notifications_collect', { entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });
    dataSource = database.dataSource;
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.NOTIFICATIONS));
    repository = new NotificationRepository(dataSource.getRepository(NotificationEntity));
    consumer = paymentEventsConsumerOver(dataSource, {
      notifications: repository,
      deliveries: new TypeOrmDeliveryRepository(dataSource),
      endpoints: new StaticDeliveryEndpoints([new ScriptedChannel('chat')]),
      preferences: new TypeOrmRecipientPreferencesRepository(),
      clock: new FixedClock(),
      ids: new SequentialIds(),
    });
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE notifications, deliveries, outbox_messages, inbox_messages, merchants CASCADE');
    const onboarded: MerchantOnboarded = { merchantId: MERCHANT, ownerUserId: OWNER, displayName: 'Chai Point', onboardedAt: '2026-11-01T09:00:00.000Z' };
    await run((ctx) => consumer.onMerchantOnboarded(inbound(EVENT_TYPES.MERCHANT_ONBOARDED, MERCHANT, onboarded), ctx));
  });

  function inbound<T>(type: string, key: string, data: T): InboundEvent<T> {
    return { id: `evt-${++offset}`, type, source: EVENT_SOURCES.PAYMENTS, time: '2026-11-28T10:00:00.000Z', key, data };
  }

  /** Runs a handler the way the batch consumer does: inside one transaction with the outbox. */
  function run(handler: (ctx: InboundMessageContext) => Promise<void>): Promise<void> {
    return unitOfWork.run((tx) => handler({ tx, topic: TOPICS.PAYMENTS_EVENTS, partition: 0, offset: String(offset) }));
  }

  const created = (data = collectEvent()) => run((ctx) => consumer.onCollectRequestCreated(inbound(EVENT_TYPES.COLLECT_REQUEST_CREATED, data.collectRequestId, data), ctx));
  const expired = (data = collectEvent({ status: 'expired', resultCode: 'U69', occurredAt: '2026-11-28T10:30:00.000Z' })) =>
    run((ctx) => consumer.onCollectRequestExpired(inbound(EVENT_TYPES.COLLECT_REQUEST_EXPIRED, data.collectRequestId, data), ctx));
  const declined = (data = collectEvent({ status: 'declined' })) => run((ctx) => consumer.onCollectRequestDeclined(inbound(EVENT_TYPES.COLLECT_REQUEST_DECLINED, data.collectRequestId, data), ctx));

  async function state(): Promise<{ notifications: NotificationEntity[]; deliveries: number; outbox: { record_key: string; data: Record<string, string> }[] }> {
    const notifications = await dataSource.getRepository(NotificationEntity).find({ order: { createdAt: 'ASC' } });
    const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM deliveries')) as [{ count: number }];
    const outbox: { record_key: string; data: Record<string, string> }[] = await dataSource.query(`SELECT record_key, data FROM outbox_messages WHERE type = $1 ORDER BY position`, [EVENT_TYPES.NOTIFICATION_RECORDED]);
    return { notifications, deliveries: count, outbox };
  }

  it('asks the customer once, however often the created event is redelivered, with one delivery and one announcement', async () => {
    await created();
    await created();

    const { notifications, deliveries, outbox } = await state();
    expect(notifications.map((n) => [n.userId, n.kind, n.collectRequestId, n.paymentId, n.title])).toEqual([[CUSTOMER, 'collect.requested', REQUEST_ID, null, 'Payment request']]);
    expect(notifications[0].body).toContain('Chai Point asks you to pay ₹250.00.');
    expect(deliveries).toBe(1);
    expect(outbox).toEqual([
      {
        record_key: CUSTOMER,
        data: { notificationId: notifications[0].id, userId: CUSTOMER, kind: 'collect.requested', collectRequestId: REQUEST_ID, recordedAt: notifications[0].createdAt.toISOString() },
      },
    ]);
  });

  it("tells customer and owner of an expiry once, and the owner of a decline once, beside the customer's payment receipts", async () => {
    await created();
    await expired();
    await expired();
    const other = collectEvent({ collectRequestId: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b', reference: 'INV-7782', status: 'declined' });
    await declined(other);
    await declined(other);
    // A payment receipt of the same customer goes through the same insert, under its own key.
    await run((ctx) => consumer.onPaymentCompleted(inbound(EVENT_TYPES.PAYMENT_COMPLETED, PAYMENT_ID, paymentEvent({ payerUserId: CUSTOMER })), ctx));

    const { notifications, deliveries, outbox } = await state();
    expect(notifications.map((n) => [n.userId, n.kind, n.collectRequestId ?? n.paymentId])).toEqual([
      [CUSTOMER, 'collect.requested', REQUEST_ID],
      [CUSTOMER, 'collect.expired', REQUEST_ID],
      [OWNER, 'collect.expired', REQUEST_ID],
      [OWNER, 'collect.declined', other.collectRequestId],
      [CUSTOMER, 'payment.sent', PAYMENT_ID],
      [expect.any(String), 'payment.received', PAYMENT_ID],
    ]);
    expect(deliveries).toBe(notifications.length);
    expect(outbox).toHaveLength(notifications.length);

    // The inbox shows what each is about.
    const inbox = await repository.listNewestFirst(CUSTOMER, 10);
    expect(inbox.map((n) => [n.kind, n.paymentId, n.collectRequestId])).toEqual([
      ['payment.sent', PAYMENT_ID, null],
      ['collect.expired', null, REQUEST_ID],
      ['collect.requested', null, REQUEST_ID],
    ]);
  });

  it("hands the chat channel a collect request's receipt by the request's id", async () => {
    await created();
    const now = new Date();
    const [claimed, ...others] = await new TypeOrmDeliveryRepository(dataSource).claimDue({ endpointKey: 'chat', now, limit: 10, leaseUntil: new Date(now.getTime() + 60_000) });
    expect(others).toEqual([]);
    expect(claimed.notification).toMatchObject({ recipientUserId: CUSTOMER, kind: 'collect.requested', collectRequestId: REQUEST_ID, title: 'Payment request' });
    expect(claimed.notification?.paymentId).toBeUndefined();
  });

  it('keeps every notification about exactly one payment or collect request', async () => {
    const insert = (paymentId: string | null, collectRequestId: string | null) =>
      dataSource.query(`INSERT INTO notifications (user_id, kind, payment_id, collect_request_id, title, body) VALUES ($1, 'collect.expired', $2, $3, 't', 'b')`, [CUSTOMER, paymentId, collectRequestId]);
    await expect(insert(null, null)).rejects.toThrow(/ck_notifications_subject/);
    await expect(insert(PAYMENT_ID, REQUEST_ID)).rejects.toThrow(/ck_notifications_subject/);
    await expect(dataSource.query(`INSERT INTO notifications (user_id, kind, collect_request_id, title, body) VALUES ($1, 'collect.waiting', $2, 't', 'b')`, [CUSTOMER, REQUEST_ID])).rejects.toThrow(
      /ck_notifications_kind/,
    );
  });
});
