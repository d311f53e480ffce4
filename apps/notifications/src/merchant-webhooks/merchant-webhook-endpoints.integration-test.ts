/**
 * Merchant webhook endpoints against the real PostgreSQL with notifications' real migrations: the
 * secrets are encrypted at rest, the limit of enabled endpoints holds under racing registrations, a
 * disabling ends that endpoint's deliveries not yet made (and only those, also when a consumer is
 * writing one at that moment), and a rotation keeps the previous secret until its overlap ends. Then
 * the owner's API over HTTP, as the edge forwards it: owner-only, the URL rules, unknown fields.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Global, INestApplication, Module } from '@nestjs/common';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { PROBLEM_CODES } from '@kirim/contracts';
import {
  AuthModule,
  ConfigModule,
  countValuesByKeyId,
  createLoggingModule,
  createServiceApp,
  DeviceBindingRevocations,
  FieldEncryption,
  JWT_ALGORITHM,
  JWT_AUDIENCES,
  JWT_ISSUER,
  reencryptTable,
  TimeModule,
} from '@kirim/platform';
import { createMigratedTestDatabase, eventually, MigratedTestDatabase, testDataProtection } from '@kirim/testing';
import { MAX_ENABLED_ENDPOINTS_PER_MERCHANT, MerchantWebhookEndpoint, merchantEndpointKey, newWebhookSecret, signingSecrets } from '../delivery/merchant-webhook/merchant-webhook-endpoint';
import { TypeOrmMerchantWebhookEndpointRepository } from '../delivery/merchant-webhook/typeorm-merchant-webhook-endpoint.repository';
import { NotificationsConfig } from '../notifications.config';
import { NOTIFICATIONS_ENCRYPTED_TABLES, NOTIFICATIONS_PURPOSES } from '../persistence/notifications-encrypted-data';
import { NOTIFICATIONS_ENTITIES } from '../persistence/notifications-entities';
import { NOTIFICATIONS_MIGRATIONS } from '../persistence/notifications-migrations';
import { MerchantWebhooksModule } from './merchant-webhooks.module';
import { TypeOrmMerchantDirectory } from './typeorm-merchant-directory.repository';

const OWNER = randomUUID();
/** Registrations racing for one merchant's places, each in its own transaction (within the pool below). */
const RACERS = 12;
const STRANGER = randomUUID();

function anEndpoint(merchantId: string, overrides: Partial<MerchantWebhookEndpoint> = {}): MerchantWebhookEndpoint {
  return {
    endpointId: randomUUID(),
    merchantId,
    url: 'https://shop.example/webhooks/kirim?token=shop-token',
    status: 'enabled',
    secret: newWebhookSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: new Date(),
    secretRotatedAt: null,
    disabledAt: null,
    ...overrides,
  };
}

describe('merchant webhook endpoints (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let fields: FieldEncryption;
  let endpoints: TypeOrmMerchantWebhookEndpointRepository;
  let directory: TypeOrmMerchantDirectory;

  beforeAll(async () => {
    // Room for the racing registrations below, each in its own transaction.
    database = await createMigratedTestDatabase('notifications_merchant_webhooks', { entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS }, { poolSize: 16 });
    dataSource = database.dataSource;
    fields = testDataProtection().fields;
    endpoints = new TypeOrmMerchantWebhookEndpointRepository(dataSource, fields);
    directory = new TypeOrmMerchantDirectory(dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE merchants, merchant_webhook_endpoints, merchant_events, deliveries, notifications CASCADE');
  });

  async function aMerchant(ownerUserId = OWNER): Promise<string> {
    const merchantId = randomUUID();
    await dataSource.transaction((manager) => directory.record({ manager }, { merchantId, ownerUserId, displayName: 'Chai Point', onboardedAt: new Date('2026-11-01T09:00:00.000Z') }));
    return merchantId;
  }

  /** A merchant event and one delivery of it to `endpointKey`, in `status`, as the consumer and the worker would leave them. */
  async function aDelivery(merchantId: string, endpointKey: string, status: 'pending' | 'delivering' | 'delivered' | 'dead'): Promise<string> {
    const eventId = randomUUID();
    const paymentId = randomUUID();
    await dataSource.query(
      `INSERT INTO merchant_events (id, merchant_id, type, payment_id, data, occurred_at, created_at) VALUES ($1, $2, 'payment.completed', $3, $4::jsonb, now(), now())`,
      [eventId, merchantId, paymentId, JSON.stringify({ merchantId, paymentId })],
    );
    const deliveryId = randomUUID();
    await dataSource.query(
      `INSERT INTO deliveries (id, merchant_event_id, channel, endpoint_key, occurred_at, created_at, next_attempt_at, status, attempts, delivered_at)
       VALUES ($1, $2, 'merchant-webhook', $3, now(), now(), now(), $4, $5, $6)`,
      [deliveryId, eventId, endpointKey, status, status === 'pending' ? 0 : 1, status === 'delivered' ? new Date() : null],
    );
    return deliveryId;
  }

  const deliveryRow = async (id: string): Promise<{ status: string; last_error: string | null; dead_at: Date | null }> =>
    (await dataSource.query<{ status: string; last_error: string | null; dead_at: Date | null }[]>('SELECT status, last_error, dead_at FROM deliveries WHERE id = $1', [id]))[0];

  it('keeps a merchant as first announced', async () => {
    const merchantId = await aMerchant();
    await dataSource.transaction((manager) => directory.record({ manager }, { merchantId, ownerUserId: STRANGER, displayName: 'Someone Else', onboardedAt: new Date() }));
    expect(await directory.findById(merchantId)).toEqual({ merchantId, ownerUserId: OWNER, displayName: 'Chai Point', onboardedAt: new Date('2026-11-01T09:00:00.000Z') });
    expect(await directory.findById(randomUUID())).toBeNull();
    // Within a transaction, a merchant it recorded and has not committed yet.
    const uncommitted = randomUUID();
    await dataSource.transaction(async (manager) => {
      await directory.record({ manager }, { merchantId: uncommitted, ownerUserId: OWNER, displayName: 'Dosa Corner', onboardedAt: new Date() });
      expect(await directory.findByIdIn({ manager }, uncommitted)).toMatchObject({ merchantId: uncommitted, displayName: 'Dosa Corner' });
      expect(await directory.findById(uncommitted)).toBeNull();
    });
  });

  it('stores the secrets encrypted, each under its own purpose, and gives them back in clear', async () => {
    const merchantId = await aMerchant();
    const endpoint = anEndpoint(merchantId);
    expect(await endpoints.register(endpoint)).toEqual({ outcome: 'registered' });
    const rotated = await endpoints.rotateSecret(endpoint.endpointId, newWebhookSecret(), new Date(Date.now() + 3_600_000), new Date());
    if (rotated === null) throw new Error('not rotated');

    const [row] = await dataSource.query<{ secret_encrypted: string; previous_secret_encrypted: string }[]>(
      'SELECT secret_encrypted, previous_secret_encrypted FROM merchant_webhook_endpoints WHERE id = $1',
      [endpoint.endpointId],
    );
    for (const [stored, clear] of [
      [row.secret_encrypted, rotated.secret],
      [row.previous_secret_encrypted, endpoint.secret],
    ]) {
      expect(stored.startsWith('kf1.')).toBe(true);
      expect(stored).not.toContain(clear);
      expect(stored).not.toContain(clear.slice('whsec_'.length));
    }
    expect(fields.decrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_SECRET, row.secret_encrypted)).toBe(rotated.secret);
    expect(fields.decrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_PREVIOUS_SECRET, row.previous_secret_encrypted)).toBe(endpoint.secret);
    // A value is bound to its column: the previous secret does not open as the current one.
    expect(() => fields.decrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_SECRET, row.previous_secret_encrypted)).toThrow(/merchant_webhook_endpoints.secret/);
    expect(await endpoints.findById(endpoint.endpointId)).toMatchObject({ secret: rotated.secret, previousSecret: endpoint.secret, url: endpoint.url });
    // And the database itself refuses a clear secret.
    await expect(dataSource.query(`UPDATE merchant_webhook_endpoints SET secret_encrypted = $2 WHERE id = $1`, [endpoint.endpointId, rotated.secret])).rejects.toThrow(/ck_merchant_webhook_endpoints_secret_encrypted/);
  });

  it('re-encrypts both secret columns under a new key with the re-encryption job (npm run reencrypt -- notifications)', async () => {
    const keys = new Map([
      ['old-1', randomBytes(32)],
      ['new-2', randomBytes(32)],
    ]);
    const before = new TypeOrmMerchantWebhookEndpointRepository(dataSource, FieldEncryption.fromKeys(keys, 'old-1'));
    const merchantId = await aMerchant();
    const rotated = anEndpoint(merchantId);
    const fresh = anEndpoint(merchantId);
    await before.register(rotated);
    await before.register(fresh);
    const rotatedTo = newWebhookSecret();
    await before.rotateSecret(rotated.endpointId, rotatedTo, new Date(Date.now() + 3_600_000), new Date());
    const [table] = NOTIFICATIONS_ENCRYPTED_TABLES;

    const after = FieldEncryption.fromKeys(keys, 'new-2');
    expect(await reencryptTable(dataSource, after, table)).toMatchObject({ rows: 2 });

    // Three values (two current secrets, one previous), all under the new key now, and each still opens.
    expect(Object.fromEntries(await countValuesByKeyId(dataSource, table))).toEqual({ 'new-2': 3 });
    const reading = new TypeOrmMerchantWebhookEndpointRepository(dataSource, FieldEncryption.fromKeys(new Map([['new-2', keys.get('new-2') as Buffer]]), 'new-2'));
    expect(await reading.findById(rotated.endpointId)).toMatchObject({ secret: rotatedTo, previousSecret: rotated.secret });
    expect(await reading.findById(fresh.endpointId)).toMatchObject({ secret: fresh.secret, previousSecret: null });
  });

  it(`lets racing registrations enable at most ${MAX_ENABLED_ENDPOINTS_PER_MERCHANT} endpoints of one merchant`, async () => {
    const merchantId = await aMerchant();
    const other = await aMerchant(STRANGER);

    const outcomes = await Promise.all(Array.from({ length: RACERS }, () => endpoints.register(anEndpoint(merchantId))));

    expect(outcomes.filter((o) => o.outcome === 'registered')).toHaveLength(MAX_ENABLED_ENDPOINTS_PER_MERCHANT);
    expect(outcomes.filter((o) => o.outcome === 'limit-reached')).toHaveLength(RACERS - MAX_ENABLED_ENDPOINTS_PER_MERCHANT);
    expect(await endpoints.listOfMerchant(merchantId)).toHaveLength(MAX_ENABLED_ENDPOINTS_PER_MERCHANT);
    // The limit is per merchant, and a disabled endpoint frees its place.
    expect(await endpoints.register(anEndpoint(other))).toEqual({ outcome: 'registered' });
    const [first] = await endpoints.listOfMerchant(merchantId);
    await endpoints.disable(first.endpointId, new Date());
    expect(await endpoints.register(anEndpoint(merchantId))).toEqual({ outcome: 'registered' });
    expect(await endpoints.register(anEndpoint(merchantId))).toMatchObject({ outcome: 'limit-reached' });
  });

  it("ends the disabled endpoint's deliveries not yet made, and no other", async () => {
    const merchantId = await aMerchant();
    const disabledOne = anEndpoint(merchantId);
    const keptOne = anEndpoint(merchantId);
    await endpoints.register(disabledOne);
    await endpoints.register(keptOne);
    const key = merchantEndpointKey(disabledOne.endpointId);
    const pending = await aDelivery(merchantId, key, 'pending');
    const claimed = await aDelivery(merchantId, key, 'delivering');
    const delivered = await aDelivery(merchantId, key, 'delivered');
    const otherEndpoints = await aDelivery(merchantId, merchantEndpointKey(keptOne.endpointId), 'pending');
    const now = new Date('2026-11-28T12:00:00.000Z');

    const disabled = await endpoints.disable(disabledOne.endpointId, now);

    expect(disabled).toMatchObject({ status: 'disabled', disabledAt: now });
    for (const id of [pending, claimed]) expect(await deliveryRow(id)).toEqual({ status: 'dead', last_error: 'endpoint disabled', dead_at: now });
    expect(await deliveryRow(delivered)).toMatchObject({ status: 'delivered', last_error: null });
    expect(await deliveryRow(otherEndpoints)).toMatchObject({ status: 'pending', dead_at: null });
    expect((await endpoints.allEnabled()).map((e) => e.endpointId)).toEqual([keptOne.endpointId]);
    expect(await dataSource.transaction((manager) => endpoints.enabledIdsOf({ manager }, merchantId))).toEqual([keptOne.endpointId]);

    // Again: nothing changes, not even the time.
    expect(await endpoints.disable(disabledOne.endpointId, new Date('2026-11-28T13:00:00.000Z'))).toEqual(disabled);
    expect(await endpoints.disable(randomUUID(), now)).toBeNull();
  });

  it('waits for a consumer writing a delivery to the endpoint, and then ends that delivery too', async () => {
    const merchantId = await aMerchant();
    const endpoint = anEndpoint(merchantId);
    await endpoints.register(endpoint);
    let releaseConsumer = (): void => undefined;
    const consumerMayCommit = new Promise<void>((resolve) => (releaseConsumer = resolve));
    let written: string | undefined;
    let seenEnabled: string[] = [];

    // The consumer's batch: reads the enabled endpoints, writes a delivery to each, commits later.
    const consumer = dataSource.transaction(async (manager) => {
      seenEnabled = await endpoints.enabledIdsOf({ manager }, merchantId);
      const eventId = randomUUID();
      await manager.query(`INSERT INTO merchant_events (id, merchant_id, type, payment_id, data, occurred_at, created_at) VALUES ($1, $2, 'payment.completed', $3, '{}'::jsonb, now(), now())`, [eventId, merchantId, randomUUID()]);
      written = randomUUID();
      await manager.query(
        `INSERT INTO deliveries (id, merchant_event_id, channel, endpoint_key, occurred_at, created_at, next_attempt_at) VALUES ($1, $2, 'merchant-webhook', $3, now(), now(), now())`,
        [written, eventId, merchantEndpointKey(endpoint.endpointId)],
      );
      await consumerMayCommit;
    });
    let disabling: Promise<unknown> = Promise.resolve();
    try {
      await eventually(() => expect(written).toBeDefined());
      disabling = endpoints.disable(endpoint.endpointId, new Date());
      // The disabling waits on the consumer's share lock on the endpoint's row.
      await eventually(async () =>
        expect(await dataSource.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE merchant_webhook_endpoints%'`)).toHaveLength(1),
      );
    } finally {
      releaseConsumer();
      await consumer;
      await disabling;
    }

    expect(seenEnabled).toEqual([endpoint.endpointId]);
    expect(await deliveryRow(written as string)).toMatchObject({ status: 'dead', last_error: 'endpoint disabled' });
  });

  it('rotates an enabled endpoint only, keeping the previous secret until the overlap ends', async () => {
    const merchantId = await aMerchant();
    const endpoint = anEndpoint(merchantId);
    await endpoints.register(endpoint);
    const rotatedAt = new Date('2026-11-28T12:00:00.000Z');
    const overlapEnds = new Date('2026-11-29T12:00:00.000Z');
    const next = newWebhookSecret();

    const rotated = await endpoints.rotateSecret(endpoint.endpointId, next, overlapEnds, rotatedAt);

    expect(rotated).toMatchObject({ secret: next, previousSecret: endpoint.secret, previousSecretExpiresAt: overlapEnds, secretRotatedAt: rotatedAt });
    const stored = await endpoints.findById(endpoint.endpointId);
    if (stored === null) throw new Error('gone');
    expect(signingSecrets(stored, new Date(overlapEnds.getTime() - 1))).toEqual([next, endpoint.secret]);
    expect(signingSecrets(stored, overlapEnds)).toEqual([next]);

    // Rotated again, only the secret just replaced overlaps.
    const third = newWebhookSecret();
    expect(await endpoints.rotateSecret(endpoint.endpointId, third, overlapEnds, rotatedAt)).toMatchObject({ secret: third, previousSecret: next });

    await endpoints.disable(endpoint.endpointId, rotatedAt);
    expect(await endpoints.rotateSecret(endpoint.endpointId, newWebhookSecret(), overlapEnds, rotatedAt)).toBeNull();
    expect(await endpoints.findById(endpoint.endpointId)).toMatchObject({ secret: third });
    expect(await endpoints.rotateSecret(randomUUID(), newWebhookSecret(), overlapEnds, rotatedAt)).toBeNull();
  });
});

class NoRevocations extends DeviceBindingRevocations {
  async isRevoked(): Promise<boolean> {
    return false;
  }
}

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown>;
}

describe('the merchant webhook endpoint API (HTTP, PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  let tokenFor: (userId: string) => Promise<string>;

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    database = await createMigratedTestDatabase('notifications_merchant_webhook_api', { entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });
    const dataSource = database.dataSource;
    const { fields } = testDataProtection();
    const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM);
    const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'it', alg: JWT_ALGORITHM }] });
    tokenFor = (userId) =>
      new SignJWT({}).setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'it' }).setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCES.NOTIFICATIONS).setJti(randomUUID()).setSubject(userId).setIssuedAt().setExpirationTime('5m').sign(privateKey);

    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: dataSource }, { provide: FieldEncryption, useValue: fields }], exports: [DataSource, FieldEncryption] })
    class DatabaseModule {}

    @Module({
      imports: [
        createLoggingModule('notifications-it'),
        // The service's own config: MERCHANT_WEBHOOK_HTTP_ALLOWED unset, so production's URL rules.
        ConfigModule.forRoot(NotificationsConfig, { HTTP_PORT: '3004', DATABASE_URL: 'postgres://x@127.0.0.1/x', KAFKA_BROKERS: '127.0.0.1:9092', IDENTITY_JWKS_URL: 'http://127.0.0.1:3001/jwks' }),
        DatabaseModule,
        TimeModule,
        AuthModule.forRoot({ audience: JWT_AUDIENCES.NOTIFICATIONS, keyResolver: keys, revocations: new NoRevocations() }),
        MerchantWebhooksModule,
      ],
    })
    class MerchantWebhooksTestModule {}

    app = await createServiceApp(MerchantWebhooksTestModule, { serviceName: 'notifications-it', openApi: { title: 'it', description: 'it' } });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/v1/merchant-webhook-endpoints`;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  async function aMerchant(): Promise<string> {
    const merchantId = randomUUID();
    await database.dataSource.query(`INSERT INTO merchants (merchant_id, owner_user_id, display_name, onboarded_at) VALUES ($1, $2, 'Chai Point', now())`, [merchantId, OWNER]);
    return merchantId;
  }

  async function call(method: 'GET' | 'POST', path: string, userId: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await tokenFor(userId)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
  }

  it('registers, lists, rotates and disables for the owner, showing each secret once', async () => {
    const merchantId = await aMerchant();

    const registered = await call('POST', '', OWNER, { merchantId, url: 'https://shop.example/webhooks/kirim' });
    expect(registered).toMatchObject({
      status: 201,
      body: { merchantId, url: 'https://shop.example/webhooks/kirim', status: 'enabled', secret: expect.stringMatching(/^whsec_/), createdAt: expect.any(String), disabledAt: null },
    });
    const { endpointId, secret } = registered.body as { endpointId: string; secret: string };

    const listed = await call('GET', `?merchantId=${merchantId}`, OWNER);
    expect(listed).toMatchObject({ status: 200, body: { items: [{ endpointId, status: 'enabled' }] } });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(listed.body)).not.toContain('"secret"');

    const rotated = await call('POST', `/${endpointId}/rotate-secret`, OWNER);
    expect(rotated).toMatchObject({ status: 200, body: { endpointId, secret: expect.stringMatching(/^whsec_/), previousSecretExpiresAt: expect.any(String) } });
    expect(rotated.body.secret).not.toBe(secret);
    // The previous secret signs for 24 hours after the rotation by default (MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS).
    const [view] = (await call('GET', `?merchantId=${merchantId}`, OWNER)).body.items as { secretRotatedAt: string; previousSecretExpiresAt: string }[];
    expect(view.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
    expect(Date.parse(view.previousSecretExpiresAt) - Date.parse(view.secretRotatedAt)).toBe(24 * 3_600_000);

    const disabled = await call('POST', `/${endpointId}/disable`, OWNER);
    expect(disabled).toMatchObject({ status: 200, body: { endpointId, status: 'disabled', disabledAt: expect.any(String) } });
    expect(disabled.body).not.toHaveProperty('secret');
    expect(await call('POST', `/${endpointId}/disable`, OWNER)).toEqual(disabled);
    expect(await call('POST', `/${endpointId}/rotate-secret`, OWNER)).toMatchObject({ status: 409, contentType: expect.stringContaining('application/problem+json'), body: { code: PROBLEM_CODES.WEBHOOK_ENDPOINT_DISABLED } });
  });

  it("answers anyone but the owner 404, as for a merchant or endpoint that does not exist, and changes nothing", async () => {
    const merchantId = await aMerchant();
    const registered = await call('POST', '', OWNER, { merchantId, url: 'https://shop.example/hook' });
    const endpointId = registered.body.endpointId as string;

    const unknownMerchant = await call('POST', '', OWNER, { merchantId: randomUUID(), url: 'https://shop.example/hook' });
    expect(unknownMerchant).toMatchObject({ status: 404, contentType: expect.stringContaining('application/problem+json'), body: { code: PROBLEM_CODES.NOT_FOUND } });
    const strangersAnswers = [
      await call('POST', '', STRANGER, { merchantId, url: 'https://shop.example/other' }),
      await call('GET', `?merchantId=${merchantId}`, STRANGER),
    ];
    for (const answer of strangersAnswers) expect(answer).toEqual(unknownMerchant);
    const unknownEndpoint = await call('POST', `/${randomUUID()}/disable`, OWNER);
    expect(unknownEndpoint).toMatchObject({ status: 404, body: { code: PROBLEM_CODES.NOT_FOUND } });
    for (const path of [`/${endpointId}/rotate-secret`, `/${endpointId}/disable`]) {
      expect(await call('POST', path, STRANGER)).toMatchObject({ status: 404, body: { code: PROBLEM_CODES.NOT_FOUND, detail: unknownEndpoint.body.detail } });
    }

    expect(await call('GET', `?merchantId=${merchantId}`, OWNER)).toMatchObject({ body: { items: [{ endpointId, status: 'enabled', secretRotatedAt: null }] } });
  });

  it.each([
    ['http://shop.example/hook', 'url must be an https:// URL: webhooks carry payment data and are sent over TLS only.'],
    ['https://169.254.169.254/latest/meta-data', 'url must not point at a loopback, private, link-local or unique-local address.'],
    ['https://localhost/hook', 'url must not point at localhost.'],
    ['https://user:pw@shop.example/hook', 'url must not carry a user name or password: each delivery is authenticated by its signature.'],
    ['shop.example/hook', 'url must be an absolute URL, such as https://shop.example/webhooks/kirim.'],
  ])('refuses %s with 422 and the rule it broke', async (url, detail) => {
    const merchantId = await aMerchant();
    expect(await call('POST', '', OWNER, { merchantId, url })).toMatchObject({
      status: 422,
      contentType: expect.stringContaining('application/problem+json'),
      body: { code: PROBLEM_CODES.WEBHOOK_URL_INVALID, detail },
    });
    expect(await call('GET', `?merchantId=${merchantId}`, OWNER)).toMatchObject({ body: { items: [] } });
  });

  it('refuses unknown fields, a missing field and a malformed id with 400', async () => {
    const merchantId = await aMerchant();
    for (const body of [{ merchantId, url: 'https://shop.example/hook', secret: 'whsec_mine' }, { merchantId }, { merchantId: 'not-a-uuid', url: 'https://shop.example/hook' }, { merchantId, url: 42 }]) {
      expect(await call('POST', '', OWNER, body)).toMatchObject({ status: 400, body: { code: PROBLEM_CODES.VALIDATION_FAILED } });
    }
    expect(await call('GET', '', OWNER)).toMatchObject({ status: 400, body: { code: PROBLEM_CODES.VALIDATION_FAILED } });
    expect(await call('POST', '/not-a-uuid/disable', OWNER)).toMatchObject({ status: 400, body: { code: PROBLEM_CODES.VALIDATION_FAILED } });
    expect(await call('GET', `?merchantId=${merchantId}`, OWNER)).toMatchObject({ body: { items: [] } });
  });

  it('allows one more than the limit of enabled endpoints only after a disabling', async () => {
    const merchantId = await aMerchant();
    const ids: string[] = [];
    for (let i = 0; i < MAX_ENABLED_ENDPOINTS_PER_MERCHANT; i += 1) ids.push((await call('POST', '', OWNER, { merchantId, url: `https://shop.example/${i}` })).body.endpointId as string);
    expect(await call('POST', '', OWNER, { merchantId, url: 'https://shop.example/more' })).toMatchObject({ status: 409, body: { code: PROBLEM_CODES.WEBHOOK_ENDPOINT_LIMIT } });
    await call('POST', `/${ids[0]}/disable`, OWNER);
    expect(await call('POST', '', OWNER, { merchantId, url: 'https://shop.example/more' })).toMatchObject({ status: 201 });
  });

  it('refuses a call without a token', async () => {
    const response = await fetch(`${baseUrl}?merchantId=${randomUUID()}`);
    expect(response.status).toBe(401);
  });
});
