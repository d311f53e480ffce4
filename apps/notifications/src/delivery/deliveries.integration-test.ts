/**
 * Delivering receipts against the real PostgreSQL (the real migrations, FOR UPDATE SKIP LOCKED
 * claims) to real HTTP receivers on 127.0.0.1: the consumer's handler writes receipts and their
 * deliveries in one transaction, the worker sends them signed per Standard Webhooks, retries,
 * gives up, and an operator's replay sends again. Kafka is not needed: the consumer's transaction
 * is driven as the batch consumer drives it (as payment-receipts.integration-test.ts does).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Global, INestApplication, Module } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { EVENT_SOURCES, EVENT_TYPES, PaymentLifecycleEvent, TOPICS } from '@kirim/contracts';
import { InboundEvent, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { ConfigModule, createLoggingModule, createServiceApp, FieldEncryption, OperatorAuthModule, operatorKeyringOf, RandomIdGenerator, SystemClock, TimeModule } from '@kirim/platform';
import { createMigratedTestDatabase, eventually, MigratedTestDatabase, testDataProtection } from '@kirim/testing';
import { ListMyNotifications } from '../notifications/list-my-notifications/list-my-notifications.use-case';
import { NotificationEntity } from '../notifications/notification.entity';
import { NotificationRepository } from '../notifications/notification.repository';
import { PaymentEventsConsumer } from '../payment-receipts/payment-events.consumer';
import { PAYEE, PAYER, paymentEvent } from '../payment-receipts/payment-event.fixture';
import { NOTIFICATIONS_ENTITIES } from '../persistence/notifications-entities';
import { NotificationsConfig } from '../notifications.config';
import { NOTIFICATIONS_MIGRATIONS } from '../persistence/notifications-migrations';
import type { ChatReceiptWebhook } from '@kirim/contracts';
import { ChatWebhookChannel } from './chat-webhook/chat-webhook.channel';
import { EndpointCircuitBreakers } from './circuit-breaker';
import { DeliverDueNotifications } from './deliver-due-notifications/deliver-due-notifications.use-case';
import { DeliveryWorker } from './deliver-due-notifications/delivery-worker';
import { StaticDeliveryEndpoints } from './delivery-channel';
import { DeliveryModule } from './delivery.module';
import type { DeliverySettings } from './delivery-settings';
import { ListDeliveries } from './list-deliveries/list-deliveries.use-case';
import { ReplayDelivery } from './replay-delivery/replay-delivery.use-case';
import { RECORD_OUTCOMES_SQL, TypeOrmDeliveryRepository } from './typeorm-delivery.repository';
import { TypeOrmRecipientPreferencesRepository } from '../recipient-preferences/typeorm-recipient-preferences.repository';
import { paymentEventsConsumerOver } from '../testing/payment-events-consumer';

const SECRET_A = `whsec_${Buffer.alloc(32, 11).toString('base64')}`;
const SECRET_B = `whsec_${Buffer.alloc(32, 22).toString('base64')}`;

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Mode = 'ok' | 'fail' | 'hold';

/** A chat platform's receiver: records what arrives, and answers 204, 500, or nothing until released. */
class Receiver {
  readonly received: Received[] = [];
  mode: Mode = 'ok';
  private readonly held: ServerResponse[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (this.mode === 'hold') this.held.push(response);
        else response.writeHead(this.mode === 'ok' ? 204 : 500).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/kirim`;
  }

  get heldCount(): number {
    return this.held.length;
  }

  release(): void {
    this.mode = 'ok';
    for (const response of this.held.splice(0)) response.writeHead(204).end();
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Each request verified with the platform's secret, as its payload. */
  verified(secret: string): ChatReceiptWebhook[] {
    const webhook = new Webhook(secret);
    return this.received.map((r) => webhook.verify(r.body, r.headers as Record<string, string>) as ChatReceiptWebhook);
  }
}

describe('notification deliveries (PostgreSQL, HTTP receivers)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let unitOfWork: UnitOfWork;
  let notifications: NotificationRepository;
  let deliveries: TypeOrmDeliveryRepository;
  let receivers: Receiver[] = [];
  let workers: DeliveryWorker[] = [];
  let offset = 0;
  const clock = new SystemClock();

  beforeAll(async () => {
    database = await createMigratedTestDatabase('notifications_deliveries', { entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });
    dataSource = database.dataSource;
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.NOTIFICATIONS));
    notifications = new NotificationRepository(dataSource.getRepository(NotificationEntity));
    deliveries = new TypeOrmDeliveryRepository(dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE notifications, deliveries, outbox_messages, inbox_messages');
  });

  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    workers = [];
    receivers = [];
  });

  async function receiver(): Promise<{ receiver: Receiver; url: string }> {
    const created = new Receiver();
    receivers.push(created);
    return { receiver: created, url: await created.start() };
  }

  function settings(overrides: Partial<DeliverySettings> = {}): DeliverySettings {
    return {
      retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 3 },
      breaker: { failureThreshold: 100, coolDownMs: 1000 },
      concurrencyPerEndpoint: 4,
      leaseMs: 120_000,
      random: Math.random,
      ...overrides,
    };
  }

  /** The service's pieces over the real database, with these endpoints; the worker polls every 20 ms. */
  function service(endpoints: StaticDeliveryEndpoints, deliverySettings = settings()): { consumer: PaymentEventsConsumer; worker: DeliveryWorker } {
    const consumer = paymentEventsConsumerOver(dataSource, { notifications, deliveries, endpoints, preferences: new TypeOrmRecipientPreferencesRepository(), clock, ids: new RandomIdGenerator() });
    const deliverDue = new DeliverDueNotifications(deliveries, new EndpointCircuitBreakers(deliverySettings.breaker, clock), clock, deliverySettings);
    const worker = new DeliveryWorker(endpoints, deliverDue, 20);
    workers.push(worker);
    return { consumer, worker };
  }

  function chat(endpointKey: string, url: string, secret: string, timeoutMs = 5000): ChatWebhookChannel {
    return new ChatWebhookChannel({ endpointKey, url, secret, timeoutMs }, clock);
  }

  /** Runs the completed-payment handler as the batch consumer does: one transaction with the outbox. */
  function completed(consumer: PaymentEventsConsumer, data: PaymentLifecycleEvent = paymentEvent()): Promise<void> {
    const event: InboundEvent<PaymentLifecycleEvent> = { id: `evt-${++offset}`, type: EVENT_TYPES.PAYMENT_COMPLETED, source: EVENT_SOURCES.PAYMENTS, time: data.occurredAt, key: data.paymentId, data };
    return unitOfWork.run((tx) => consumer.onPaymentCompleted(event, { tx, topic: TOPICS.PAYMENTS_EVENTS, partition: 0, offset: String(offset) }));
  }

  async function rows(): Promise<{ id: string; endpoint_key: string; recipient_user_id: string; status: string; attempts: number }[]> {
    return dataSource.query('SELECT id, endpoint_key, recipient_user_id, status, attempts FROM deliveries ORDER BY endpoint_key, recipient_user_id');
  }

  it('delivers one signed receipt to payer and payee each, and nothing more when the event comes again', async () => {
    const { receiver: platform, url } = await receiver();
    const { consumer, worker } = service(new StaticDeliveryEndpoints([chat('chat', url, SECRET_A)]));

    await completed(consumer);
    // The receipts and their deliveries committed together.
    expect((await rows()).map((r) => [r.recipient_user_id, r.status])).toEqual(
      [
        [PAYER, 'pending'],
        [PAYEE, 'pending'],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );

    worker.start();
    await eventually(async () => expect((await rows()).map((r) => r.status)).toEqual(['delivered', 'delivered']));
    // Redelivered (a new CloudEvents id, so only the unique keys can catch it), and worked again.
    await completed(consumer);
    await worker.tick();
    await worker.idle();

    expect(await rows()).toHaveLength(2);
    const payloads = platform.verified(SECRET_A);
    expect(payloads.map((p) => [p.data.userId, p.data.kind]).sort()).toEqual(
      [
        [PAYER, 'payment.sent'],
        [PAYEE, 'payment.received'],
      ].sort(),
    );
    expect(payloads[0].data).toMatchObject({ locale: 'en-IN', paymentId: paymentEvent().paymentId, occurredAt: paymentEvent().occurredAt });
    expect(platform.received.map((r) => r.headers['webhook-id']).sort()).toEqual((await rows()).map((r) => r.id).sort());
    expect(() => new Webhook(SECRET_B).verify(platform.received[0].body, platform.received[0].headers as Record<string, string>)).toThrow();

    // The inbox shows where each receipt went.
    const inbox = await new ListMyNotifications(notifications, deliveries).execute({ userId: PAYER, limit: 10 });
    expect(inbox.notifications.map((n) => n.deliveries.map((d) => [d.channel, d.status, d.attempts]))).toEqual([[['chat', 'delivered', 1]]]);
    // Mark-as-read: the reader's own only.
    const [mine] = inbox.notifications;
    expect(await notifications.markRead(PAYEE, mine.notificationId, new Date())).toBeNull();
    const read = await notifications.markRead(PAYER, mine.notificationId, new Date('2026-11-28T12:00:00.000Z'));
    expect(read?.readAt).toEqual(new Date('2026-11-28T12:00:00.000Z'));
    expect((await notifications.markRead(PAYER, mine.notificationId, new Date('2026-11-29T12:00:00.000Z')))?.readAt).toEqual(new Date('2026-11-28T12:00:00.000Z'));
  });

  it('retries a failing endpoint with backoff, gives up after the last attempt, and delivers once an operator replays', async () => {
    const { receiver: platform, url } = await receiver();
    platform.mode = 'fail';
    const { consumer, worker } = service(new StaticDeliveryEndpoints([chat('chat', url, SECRET_A)]));

    await completed(consumer);
    worker.start();
    await eventually(async () => expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([
      ['dead', 3],
      ['dead', 3],
    ]));
    // Three attempts each, every one under its delivery's stable webhook-id.
    const ids = (await rows()).map((r) => r.id);
    for (const id of ids) expect(platform.received.filter((r) => r.headers['webhook-id'] === id)).toHaveLength(3);

    const dead = await new ListDeliveries(deliveries).execute({ status: 'dead', limit: 1 });
    expect(dead.items).toHaveLength(1);
    expect(dead.items[0]).toMatchObject({ status: 'dead', attempts: 3, lastError: '3 attempts failed, the last: HTTP 500' });
    const rest = await new ListDeliveries(deliveries).execute({ status: 'dead', limit: 1, after: dead.next ?? undefined });
    expect(rest.next).toBeNull();
    expect([...dead.items, ...rest.items].map((d) => d.deliveryId).sort()).toEqual([...ids].sort());
    expect((await new ListDeliveries(deliveries).execute({ status: 'delivered', limit: 10 })).items).toEqual([]);

    platform.mode = 'ok';
    const replay = new ReplayDelivery(deliveries, clock);
    expect(await replay.execute({ deliveryId: ids[0], operator: 'alice' })).toMatchObject({ outcome: 'replayed', delivery: { status: 'pending', attempts: 0, replayedBy: 'alice' } });
    await eventually(async () => expect((await rows()).find((r) => r.id === ids[0])).toMatchObject({ status: 'delivered', attempts: 1 }));
    expect((await rows()).find((r) => r.id === ids[1])?.status).toBe('dead');
    expect(await replay.execute({ deliveryId: ids[0], operator: 'alice' })).toMatchObject({ outcome: 'not-dead', delivery: { status: 'delivered' } });
    expect(await replay.execute({ deliveryId: '00000000-0000-4000-8000-00000000dead', operator: 'alice' })).toEqual({ outcome: 'not-found' });
    // The replayed delivery verifies like any other, under the same id.
    const last = platform.received[platform.received.length - 1];
    expect(last.headers['webhook-id']).toBe(ids[0]);
    expect(new Webhook(SECRET_A).verify(last.body, last.headers as Record<string, string>)).toMatchObject({ type: 'notification.receipt' });
  });

  it("does not hold one endpoint's deliveries behind another that hangs", async () => {
    const slow = await receiver();
    const fast = await receiver();
    slow.receiver.mode = 'hold';
    // A timeout far longer than eventually's deadline: if B waited for A, this test would fail.
    const { consumer, worker } = service(new StaticDeliveryEndpoints([chat('slow', slow.url, SECRET_A, 60_000), chat('fast', fast.url, SECRET_B)]));

    await completed(consumer);
    worker.start();

    await eventually(async () => {
      const byEndpoint = await rows();
      expect(byEndpoint.filter((r) => r.endpoint_key === 'fast').map((r) => r.status)).toEqual(['delivered', 'delivered']);
    });
    // A is still sending (its requests are held), and B got both receipts, verifiable with B's secret.
    expect(slow.receiver.heldCount).toBe(2);
    expect((await rows()).filter((r) => r.endpoint_key === 'slow').map((r) => r.status)).toEqual(['delivering', 'delivering']);
    expect(fast.receiver.verified(SECRET_B).map((p) => p.data.userId).sort()).toEqual([PAYER, PAYEE].sort());

    slow.receiver.release();
    await eventually(async () => expect((await rows()).map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']));
    expect(slow.receiver.verified(SECRET_A)).toHaveLength(2);
  });

  it("stores a pass's outcomes in one statement, each over its own claim only", async () => {
    const endpoints = new StaticDeliveryEndpoints([chat('chat', 'http://127.0.0.1:9/unused', SECRET_A)]);
    const { consumer } = service(endpoints);
    await completed(consumer, paymentEvent({ paymentId: randomUUID() }));
    await completed(consumer, paymentEvent({ paymentId: randomUUID() }));
    const now = new Date();
    const claimed = await deliveries.claimDue({ endpointKey: 'chat', now, limit: 4, leaseUntil: new Date(now.getTime() + 60_000) });
    expect(claimed).toHaveLength(4);
    const [delivered, retried, dead, reclaimed] = claimed;
    // Another worker claimed this one again after its lease lapsed: its attempt moved on.
    await dataSource.query('UPDATE deliveries SET attempts = attempts + 1 WHERE id = $1', [reclaimed.deliveryId]);
    const at = new Date('2026-11-28T10:00:00.000Z');
    const retryAt = new Date('2026-11-28T10:05:00.000Z');
    const queries = jest.spyOn(dataSource, 'query');

    const stored = await deliveries.recordOutcomes([
      { deliveryId: delivered.deliveryId, attempt: delivered.attempt, outcome: { status: 'delivered', at } },
      { deliveryId: retried.deliveryId, attempt: retried.attempt, outcome: { status: 'pending', nextAttemptAt: retryAt, error: 'HTTP 503' } },
      { deliveryId: dead.deliveryId, attempt: dead.attempt, outcome: { status: 'dead', at, error: 'refused: HTTP 410' } },
      { deliveryId: reclaimed.deliveryId, attempt: reclaimed.attempt, outcome: { status: 'delivered', at } },
    ]);

    expect([...stored].sort()).toEqual([delivered.deliveryId, retried.deliveryId, dead.deliveryId].sort());
    expect(queries).toHaveBeenCalledTimes(1);
    queries.mockRestore();
    const byId = new Map<string, Record<string, unknown>>(
      (await dataSource.query('SELECT id, status, attempts, delivered_at, dead_at, next_attempt_at, last_error FROM deliveries')).map((row: { id: string }) => [row.id, row]),
    );
    expect(byId.get(delivered.deliveryId)).toMatchObject({ status: 'delivered', attempts: 1, delivered_at: at, dead_at: null, last_error: null });
    expect(byId.get(retried.deliveryId)).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: retryAt, delivered_at: null, last_error: 'HTTP 503' });
    expect(byId.get(dead.deliveryId)).toMatchObject({ status: 'dead', attempts: 1, dead_at: at, delivered_at: null, last_error: 'refused: HTTP 410' });
    expect(byId.get(reclaimed.deliveryId)).toMatchObject({ status: 'delivering', attempts: 2, delivered_at: null });
    expect(await deliveries.recordOutcomes([])).toEqual(new Set());
  });

  it("finds a pass's rows by primary key alone, however many deliveries were once in flight", async () => {
    // Many deliveries that were claimed and delivered, their old index entries not vacuumed away
    // (as between two autovacuum passes), and a planner told that few are in flight now.
    await dataSource.query(
      `WITH receipt AS (
         INSERT INTO notifications (user_id, kind, payment_id, title, body)
         SELECT gen_random_uuid(), 'payment.sent', gen_random_uuid(), 'Sent', 'Sent' FROM generate_series(1, 5000)
         RETURNING id, user_id)
       INSERT INTO deliveries (id, notification_id, recipient_user_id, channel, endpoint_key, occurred_at, created_at, next_attempt_at)
       SELECT gen_random_uuid(), id, user_id, 'chat', 'chat', now(), now(), now() FROM receipt`,
    );
    await dataSource.query(`UPDATE deliveries SET status = 'delivering', attempts = 1`);
    await dataSource.query(`UPDATE deliveries SET status = 'delivered', delivered_at = now()`);
    await dataSource.query('ANALYZE deliveries');
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      // The plan a prepared statement settles on: generic, for any ids.
      await runner.query('SET plan_cache_mode = force_generic_plan');
      await runner.query(`PREPARE record_outcomes(uuid[], int[], text[], timestamptz[], text[]) AS ${RECORD_OUTCOMES_SQL.replace(/::(uuid|int|text|timestamptz)\[\]/g, '')}`);
      const plan = ((await runner.query(`EXPLAIN EXECUTE record_outcomes('{}', '{}', '{}', '{}', '{}')`)) as Array<{ 'QUERY PLAN': string }>).map((line) => line['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index Scan using deliveries_pkey/);
      expect(plan).not.toMatch(/ix_deliveries_status_created|ix_deliveries_due/);
    } finally {
      // Only its own: the connection goes back to the pool with the statements the service prepared on it.
      await runner.query('DEALLOCATE record_outcomes').catch(() => undefined);
      await runner.query('RESET plan_cache_mode');
      await runner.release();
    }
  });
});

describe('the operator API over deliveries (HTTP, PostgreSQL)', () => {
  const operatorKey = `kop_${randomBytes(32).toString('base64url')}`;
  let database: MigratedTestDatabase;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    database = await createMigratedTestDatabase('notifications_delivery_operator', { entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });
    const dataSource = database.dataSource;

    @Global()
    // The merchants' endpoints (read by the worker) keep their secrets encrypted.
    @Module({ providers: [{ provide: DataSource, useValue: dataSource }, { provide: FieldEncryption, useValue: testDataProtection().fields }], exports: [DataSource, FieldEncryption] })
    class DatabaseModule {}

    @Module({
      imports: [
        createLoggingModule('notifications-it'),
        // The service's own module and config: no CHAT_WEBHOOK_*, so no endpoint and no worker ticking.
        ConfigModule.forRoot(NotificationsConfig, { HTTP_PORT: '3004', DATABASE_URL: 'postgres://x@127.0.0.1/x', KAFKA_BROKERS: '127.0.0.1:9092', IDENTITY_JWKS_URL: 'http://127.0.0.1:3001/jwks' }),
        DatabaseModule,
        TimeModule,
        OperatorAuthModule.forRoot({ keyring: operatorKeyringOf({ OPERATOR_KEY_DIGESTS: `alice:${createHash('sha256').update(operatorKey).digest('hex')}` }) }),
        DeliveryModule,
      ],
    })
    class OperatorTestModule {}

    app = await createServiceApp(OperatorTestModule, { serviceName: 'notifications-it', openApi: { title: 'it', description: 'it' } });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/internal/v1/operator/deliveries`;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  /** Two dead deliveries and a delivered one, as the worker would have left them. */
  async function seed(): Promise<{ dead: string[]; delivered: string }> {
    const dataSource = database.dataSource;
    await dataSource.query('TRUNCATE notifications, deliveries');
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [index, id] of ids.entries()) {
      const [notification]: { id: string }[] = await dataSource.query(
        `INSERT INTO notifications (user_id, kind, payment_id, title, body) VALUES ($1, 'payment.sent', $2, 'Payment sent', 'You paid ₹1.00.') RETURNING id`,
        [PAYER, randomUUID()],
      );
      const status = index < 2 ? 'dead' : 'delivered';
      await dataSource.query(
        `INSERT INTO deliveries (id, notification_id, recipient_user_id, channel, endpoint_key, occurred_at, created_at, next_attempt_at, status, attempts, last_error, dead_at)
         VALUES ($1, $2, $3, 'chat', 'chat', now(), now() - make_interval(secs => $4), now(), $5, 10, 'HTTP 500', now())`,
        [id, notification.id, PAYER, index, status],
      );
    }
    return { dead: ids.slice(0, 2), delivered: ids[2] };
  }

  async function call(method: 'GET' | 'POST', path: string, key: string | null = operatorKey): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
    const response = await fetch(`${baseUrl}${path}`, { method, headers: key === null ? {} : { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, type: response.headers.get('content-type') };
  }

  it('lists dead deliveries a page at a time, newest first', async () => {
    const { dead } = await seed();
    const first = await call('GET', '?status=dead&limit=1');
    expect(first.status).toBe(200);
    expect((first.body.deliveries as { deliveryId: string; status: string }[]).map((d) => [d.deliveryId, d.status])).toEqual([[dead[0], 'dead']]);
    const second = await call('GET', `?status=dead&limit=1&after=${String(first.body.nextCursor)}`);
    expect((second.body.deliveries as { deliveryId: string }[]).map((d) => d.deliveryId)).toEqual([dead[1]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('replays a dead delivery, and refuses what cannot be replayed with problem+json', async () => {
    const { dead, delivered } = await seed();
    const replayed = await call('POST', `/${dead[0]}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ outcome: 'replayed', delivery: { deliveryId: dead[0], status: 'pending', attempts: 0, replayedBy: 'alice' } });

    const again = await call('POST', `/${dead[0]}/replay`);
    expect([again.status, again.body.code, again.type]).toEqual([409, 'conflict', expect.stringContaining('application/problem+json')]);
    expect((await call('POST', `/${delivered}/replay`)).status).toBe(409);
    const unknown = await call('POST', `/${randomUUID()}/replay`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not-found']);
    expect((await call('POST', '/not-a-uuid/replay')).status).toBe(400);
    expect((await call('GET', '?after=not*a*cursor')).status).toBe(400);
    expect((await call('GET', `?after=${Buffer.from('yesterday|x').toString('base64url')}`)).status).toBe(400);
    expect((await call('GET', '?status=lost')).status).toBe(400);
  });

  it('lets no one in without an operator key', async () => {
    const { dead } = await seed();
    expect((await call('GET', '?status=dead', null)).status).toBe(401);
    expect((await call('POST', `/${dead[0]}/replay`, `kop_${randomBytes(32).toString('base64url')}`)).status).toBe(401);
    expect((await database.dataSource.query(`SELECT status FROM deliveries WHERE id = $1`, [dead[0]]))[0].status).toBe('dead');
  });
});
