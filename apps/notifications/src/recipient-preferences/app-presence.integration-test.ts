/**
 * Receipts by SMS to users without the app, against the real PostgreSQL with the real migrations:
 * identity's app-presence announcements through the consumer (newer-only, apart from the language's
 * changedAt), then a payment's receipts through the payment consumer, with an 'sms' delivery beside
 * the chat one only for a recipient without the app. The SMS delivery is then claimed from the table
 * and sent by the real SmsChannel to a provider stand-in on a loopback port. Kafka is not needed:
 * handlers run in one transaction each, as the batch consumer runs them.
 */
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { EVENT_SOURCES, EVENT_TYPES, PaymentLifecycleEvent, TOPICS, UserAppPresenceChanged, UserPreferencesChanged } from '@kirim/contracts';
import { InboundEvent, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase, SequentialIds } from '@kirim/testing';
import { StaticDeliveryEndpoints } from '../delivery/delivery-channel';
import { SmsNumberLookup, SmsNumbers } from '../delivery/sms/sms-numbers';
import { SmsChannel } from '../delivery/sms/sms.channel';
import { TypeOrmDeliveryRepository } from '../delivery/typeorm-delivery.repository';
import { NotificationEntity } from '../notifications/notification.entity';
import { NotificationRepository } from '../notifications/notification.repository';
import { PAYEE, PAYER, paymentEvent, TXN_ID } from '../payment-receipts/payment-event.fixture';
import { PaymentEventsConsumer } from '../payment-receipts/payment-events.consumer';
import { NOTIFICATIONS_ENTITIES } from '../persistence/notifications-entities';
import { NOTIFICATIONS_MIGRATIONS } from '../persistence/notifications-migrations';
import { ScriptedChannel } from '../testing/in-memory-deliveries';
import { paymentEventsConsumerOver } from '../testing/payment-events-consumer';
import { ApplyAppPresence } from './apply-app-presence/apply-app-presence.use-case';
import { ApplyRecipientPreferences } from './apply-recipient-preferences/apply-recipient-preferences.use-case';
import { IdentityEventsConsumer } from './identity-events.consumer';
import { TypeOrmRecipientPreferencesRepository } from './typeorm-recipient-preferences.repository';

const PAYER_PHONE = '+919876500001';
const API_KEY = 'sk_test_0123456789abcdefghijklmnopqrstuv';

/** identity's get-sms-number, as the channel sees it: the payer's number. */
class KnownNumbers extends SmsNumbers {
  async numberOf(userId: string): Promise<SmsNumberLookup> {
    return userId === PAYER ? { kind: 'found', phone: PAYER_PHONE } : { kind: 'none' };
  }
}

interface ProviderCall {
  readonly path: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

describe('receipts by SMS to users without the app (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let unitOfWork: UnitOfWork;
  let deliveries: TypeOrmDeliveryRepository;
  let identityConsumer: IdentityEventsConsumer;
  let paymentConsumer: PaymentEventsConsumer;
  let provider: Server;
  let sms: SmsChannel;
  const providerCalls: ProviderCall[] = [];
  let offset = 0;
  const clock = new FixedClock(new Date('2025-11-28T10:00:02.000Z'));

  beforeAll(async () => {
    database = await createMigratedTestDatabase('notifications_app_presence', { entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });
    dataSource = database.dataSource;
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.NOTIFICATIONS));
    deliveries = new TypeOrmDeliveryRepository(dataSource);
    const preferences = new TypeOrmRecipientPreferencesRepository();
    identityConsumer = new IdentityEventsConsumer(new ApplyRecipientPreferences(preferences), new ApplyAppPresence(preferences));

    // The provider stand-in: takes every message (202) and keeps what it was sent.
    provider = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        providerCalls.push({ path: request.url, headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
        response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: `m${providerCalls.length}` }));
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const { port } = provider.address() as AddressInfo;
    sms = new SmsChannel({ url: `http://127.0.0.1:${port}/v1/outbound-messages`, apiKey: API_KEY, timeoutMs: 5000 }, new KnownNumbers(), clock);

    const notifications = new NotificationRepository(dataSource.getRepository(NotificationEntity));
    const endpoints = new StaticDeliveryEndpoints([new ScriptedChannel('chat'), sms]);
    paymentConsumer = paymentEventsConsumerOver(dataSource, { notifications, deliveries, endpoints, preferences, clock, ids: new SequentialIds() });
  });

  afterAll(async () => {
    await new Promise((resolve) => provider?.close(resolve));
    await database?.close();
  });

  beforeEach(async () => {
    providerCalls.length = 0;
    await dataSource.query('TRUNCATE recipient_preferences, notifications, deliveries, outbox_messages, inbox_messages');
  });

  const context = (tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0], topic: string) => ({ tx, topic, partition: 0, offset: String(++offset) });

  function identityEvent<T extends object>(type: string, key: string, data: T): InboundEvent<T> {
    return { id: `evt-${++offset}`, type, source: EVENT_SOURCES.IDENTITY, time: new Date().toISOString(), key, data };
  }

  function presenceChanged(data: UserAppPresenceChanged): Promise<void> {
    return unitOfWork.run((tx) => identityConsumer.onUserAppPresenceChanged(identityEvent(EVENT_TYPES.USER_APP_PRESENCE_CHANGED, data.userId, data), context(tx, TOPICS.IDENTITY_EVENTS)));
  }

  function preferencesChanged(data: UserPreferencesChanged): Promise<void> {
    return unitOfWork.run((tx) => identityConsumer.onUserPreferencesChanged(identityEvent(EVENT_TYPES.USER_PREFERENCES_CHANGED, data.userId, data), context(tx, TOPICS.IDENTITY_EVENTS)));
  }

  function paymentCompleted(data: PaymentLifecycleEvent): Promise<void> {
    const event: InboundEvent<PaymentLifecycleEvent> = { id: `evt-${++offset}`, type: EVENT_TYPES.PAYMENT_COMPLETED, source: EVENT_SOURCES.PAYMENTS, time: data.occurredAt, key: data.paymentId, data };
    return unitOfWork.run((tx) => paymentConsumer.onPaymentCompleted(event, context(tx, TOPICS.PAYMENTS_EVENTS)));
  }

  const deliveryRows = (): Promise<{ recipient_user_id: string; channel: string; endpoint_key: string }[]> =>
    dataSource.query('SELECT d.recipient_user_id, d.channel, d.endpoint_key FROM deliveries d ORDER BY d.recipient_user_id, d.channel');

  const storedPresence = (): Promise<{ user_id: string; locale: string | null; changed_at: Date | null; has_app: boolean | null; app_presence_changed_at: Date | null }[]> =>
    dataSource.query('SELECT user_id, locale, changed_at, has_app, app_presence_changed_at FROM recipient_preferences ORDER BY user_id');

  /** In the query's order: by recipient, then channel. */
  const ordered = <T extends { recipient_user_id: string; channel: string }>(rows: T[]): T[] =>
    [...rows].sort((a, b) => a.recipient_user_id.localeCompare(b.recipient_user_id) || a.channel.localeCompare(b.channel));

  it("writes an 'sms' delivery beside the chat one for a recipient without the app, only chat for one with it, and sends the SMS from the stored receipt", async () => {
    await presenceChanged({ userId: PAYER, hasApp: false, changedAt: '2025-11-28T09:00:00.000Z' });
    await presenceChanged({ userId: PAYEE, hasApp: true, changedAt: '2025-11-28T09:00:00.000Z' });

    await paymentCompleted(paymentEvent());
    await paymentCompleted(paymentEvent());

    expect(await deliveryRows()).toEqual(
      ordered([
        { recipient_user_id: PAYER, channel: 'chat', endpoint_key: 'chat' },
        { recipient_user_id: PAYER, channel: 'sms', endpoint_key: 'sms' },
        { recipient_user_id: PAYEE, channel: 'chat', endpoint_key: 'chat' },
      ]),
    );

    const [claimed, ...more] = await deliveries.claimDue({ endpointKey: 'sms', now: clock.now(), limit: 10, leaseUntil: new Date(clock.now().getTime() + 60_000) });
    expect(more).toEqual([]);
    expect(await sms.deliver(claimed)).toEqual({ kind: 'delivered' });

    expect(providerCalls).toHaveLength(1);
    expect(providerCalls[0].path).toBe('/v1/outbound-messages');
    expect(providerCalls[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(providerCalls[0].body).toEqual({
      to: PAYER_PHONE,
      text: ['Payment sent', 'You paid ₹500.00.', '28 Nov 2025, 3:30 pm IST', `UPI transaction ID: ${TXN_ID}`].join('\n'),
      reference: claimed.deliveryId,
    });
    // The number is asked for at send time and kept nowhere in notifications' database.
    const tables: { dump: string }[] = await dataSource.query(
      `SELECT string_agg(t::text, ' ') AS dump FROM (SELECT row_to_json(x)::text AS t FROM recipient_preferences x UNION ALL SELECT row_to_json(y)::text FROM deliveries y UNION ALL SELECT row_to_json(z)::text FROM notifications z) rows`,
    );
    expect(tables[0].dump).not.toContain(PAYER_PHONE.slice(1));
  });

  it('keeps the newest presence of each user by its own changedAt, whatever the language announcements say', async () => {
    // The language changed late; a presence announced earlier than it is still the first presence.
    await preferencesChanged({ userId: PAYER, locale: 'en-IN', changedAt: '2025-11-28T09:50:00.000Z' });
    await presenceChanged({ userId: PAYER, hasApp: false, changedAt: '2025-11-28T09:10:00.000Z' });
    // Newer, then an older one redelivered after it, then the newer one again.
    await presenceChanged({ userId: PAYER, hasApp: true, changedAt: '2025-11-28T09:20:00.000Z' });
    await presenceChanged({ userId: PAYER, hasApp: false, changedAt: '2025-11-28T09:15:00.000Z' });
    await presenceChanged({ userId: PAYER, hasApp: false, changedAt: '2025-11-28T09:20:00.000Z' });
    // A user heard of by presence alone, then by a language announcement older than it.
    await presenceChanged({ userId: PAYEE, hasApp: false, changedAt: '2025-11-28T09:30:00.000Z' });
    await preferencesChanged({ userId: PAYEE, locale: 'pt-BR', changedAt: '2025-11-28T09:00:00.000Z' });

    expect(await storedPresence()).toEqual(
      [
        { user_id: PAYER, locale: 'en-IN', changed_at: new Date('2025-11-28T09:50:00.000Z'), has_app: true, app_presence_changed_at: new Date('2025-11-28T09:20:00.000Z') },
        { user_id: PAYEE, locale: 'pt-BR', changed_at: new Date('2025-11-28T09:00:00.000Z'), has_app: false, app_presence_changed_at: new Date('2025-11-28T09:30:00.000Z') },
      ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
    );

    // The payer has the app again: chat only; the payee, in Portuguese, has none: chat and SMS.
    await paymentCompleted(paymentEvent());
    expect(await deliveryRows()).toEqual(
      ordered([
        { recipient_user_id: PAYER, channel: 'chat', endpoint_key: 'chat' },
        { recipient_user_id: PAYEE, channel: 'chat', endpoint_key: 'chat' },
        { recipient_user_id: PAYEE, channel: 'sms', endpoint_key: 'sms' },
      ]),
    );
  });

  it('sends no SMS to a user identity announced no presence for: one not heard of has the app', async () => {
    await preferencesChanged({ userId: PAYER, locale: 'hi-IN', changedAt: '2025-11-28T09:00:00.000Z' });

    await paymentCompleted(paymentEvent());

    expect((await deliveryRows()).map((row) => row.channel)).toEqual(['chat', 'chat']);
  });

  it('refuses a row that holds neither announcement, or a presence without its time', async () => {
    await expect(dataSource.query(`INSERT INTO recipient_preferences (user_id, has_app) VALUES ($1, false)`, [PAYER])).rejects.toThrow(/ck_recipient_preferences/);
    await expect(dataSource.query(`INSERT INTO recipient_preferences (user_id) VALUES ($1)`, [PAYER])).rejects.toThrow(/ck_recipient_preferences_announced/);
  });
});
