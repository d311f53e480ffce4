/**
 * Payment receipts against the real PostgreSQL with the real migrations: the consumer's handler,
 * the use case, the ON CONFLICT insert and the outbox rows, all in one transaction as the batch
 * consumer runs them. Kafka is not needed: the outbox is where this service's effect ends.
 */
import { DataSource } from 'typeorm';
import { EVENT_SOURCES, EVENT_TYPES, PaymentLifecycleEvent, TOPICS } from '@kirim/contracts';
import { InboundEvent, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase, SequentialIds } from '@kirim/testing';
import { StaticDeliveryEndpoints } from '../delivery/delivery-channel';
import { TypeOrmDeliveryRepository } from '../delivery/typeorm-delivery.repository';
import { NotificationEntity } from '../notifications/notification.entity';
import { NotificationRepository } from '../notifications/notification.repository';
import { NOTIFICATIONS_ENTITIES } from '../persistence/notifications-entities';
import { NOTIFICATIONS_MIGRATIONS } from '../persistence/notifications-migrations';
import { TypeOrmRecipientPreferencesRepository } from '../recipient-preferences/typeorm-recipient-preferences.repository';
import { PaymentEventsConsumer } from './payment-events.consumer';
import { PAYEE, PAYER, PAYMENT_ID, paymentEvent } from './payment-event.fixture';
import { paymentEventsConsumerOver } from '../testing/payment-events-consumer';

describe('payment receipts (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let unitOfWork: UnitOfWork;
  let repository: NotificationRepository;
  let consumer: PaymentEventsConsumer;
  let offset = 0;

  beforeAll(async () => {
    database = await createMigratedTestDatabase('notifications', { entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });
    dataSource = database.dataSource;
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.NOTIFICATIONS));
    repository = new NotificationRepository(dataSource.getRepository(NotificationEntity));
    // No channel configured: receipts only (deliveries have their own test, deliveries.integration-test.ts).
    consumer = paymentEventsConsumerOver(dataSource, { notifications: repository, deliveries: new TypeOrmDeliveryRepository(dataSource), endpoints: new StaticDeliveryEndpoints([]), preferences: new TypeOrmRecipientPreferencesRepository(), clock: new FixedClock(), ids: new SequentialIds() });
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE notifications, deliveries, outbox_messages, inbox_messages');
  });

  function inbound(type: string, data: PaymentLifecycleEvent): InboundEvent<PaymentLifecycleEvent> {
    return { id: `evt-${++offset}`, type, source: EVENT_SOURCES.PAYMENTS, time: data.occurredAt, key: data.paymentId, data };
  }

  /** Runs a handler the way the batch consumer does: inside one transaction with the outbox. */
  function apply(handler: 'onPaymentCompleted' | 'onPaymentFailed' | 'onPaymentReversed' | 'onPaymentInitiated', event: InboundEvent<PaymentLifecycleEvent>): Promise<void> {
    return unitOfWork.run((tx) => consumer[handler](event, { tx, topic: TOPICS.PAYMENTS_EVENTS, partition: 0, offset: String(offset) }));
  }

  async function outboxRows(): Promise<{ type: string; record_key: string; topic: string; data: Record<string, string> }[]> {
    return dataSource.query('SELECT type, record_key, topic, data FROM outbox_messages ORDER BY position');
  }

  it('records a receipt for payer and payee of a completed payment, and one outbox event for each', async () => {
    await apply('onPaymentCompleted', inbound(EVENT_TYPES.PAYMENT_COMPLETED, paymentEvent({ amount: { value: '100000.00', currency: 'INR' } })));

    const notifications = await dataSource.getRepository(NotificationEntity).find({ order: { createdAt: 'ASC' } });
    expect(notifications.map((n) => [n.userId, n.kind, n.paymentId])).toEqual([
      [PAYER, 'payment.sent', PAYMENT_ID],
      [PAYEE, 'payment.received', PAYMENT_ID],
    ]);
    expect(notifications[0].body).toContain('You paid ₹1,00,000.00.');
    expect(notifications.every((n) => n.readAt === null)).toBe(true);

    const outbox = await outboxRows();
    expect(outbox).toEqual([
      {
        type: EVENT_TYPES.NOTIFICATION_RECORDED,
        topic: TOPICS.NOTIFICATIONS_EVENTS,
        record_key: PAYER,
        data: { notificationId: notifications[0].id, userId: PAYER, kind: 'payment.sent', paymentId: PAYMENT_ID, recordedAt: notifications[0].createdAt.toISOString() },
      },
      expect.objectContaining({ record_key: PAYEE, data: expect.objectContaining({ notificationId: notifications[1].id, kind: 'payment.received' }) }),
    ]);
  });

  it('writes nothing more when the same completed event is applied again', async () => {
    const event = paymentEvent();
    await apply('onPaymentCompleted', inbound(EVENT_TYPES.PAYMENT_COMPLETED, event));
    // A replay under a new CloudEvents id (so the inbox cannot catch it): the unique key must.
    await apply('onPaymentCompleted', inbound(EVENT_TYPES.PAYMENT_COMPLETED, event));

    expect(await dataSource.getRepository(NotificationEntity).count()).toBe(2);
    expect(await outboxRows()).toHaveLength(2);
  });

  it('records nothing for an initiated payment', async () => {
    await apply('onPaymentInitiated', inbound(EVENT_TYPES.PAYMENT_INITIATED, paymentEvent({ status: 'created', resultCode: undefined, rrn: undefined })));

    expect(await dataSource.getRepository(NotificationEntity).count()).toBe(0);
    expect(await outboxRows()).toHaveLength(0);
  });

  it("lists a user's notifications newest first", async () => {
    await apply('onPaymentFailed', inbound(EVENT_TYPES.PAYMENT_FAILED, paymentEvent({ status: 'debit_failed', resultCode: 'Z9', rrn: undefined })));
    await apply('onPaymentCompleted', inbound(EVENT_TYPES.PAYMENT_COMPLETED, paymentEvent({ paymentId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a' })));

    const payerInbox = await repository.listNewestFirst(PAYER, 20);
    expect(payerInbox.map((n) => n.kind)).toEqual(['payment.sent', 'payment.failed']);
    expect(payerInbox[1].body).toContain('failed. Reason: insufficient balance.');
    expect(await repository.listNewestFirst(PAYER, 1)).toHaveLength(1);
    expect((await repository.listNewestFirst(PAYEE, 20)).map((n) => n.kind)).toEqual(['payment.received']);
  });
});
