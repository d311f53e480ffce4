import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Global, INestApplication, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLocalJWKSet, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { EVENT_SOURCES, ServicePrincipal } from '@kirim/contracts';
import { ConsumerState, MESSAGING_ENTITIES, OutboxWriter, TransactionRunner, UnitOfWork } from '@kirim/messaging';
import {
  AuthModule,
  ConfigModule,
  createLoggingModule,
  createServiceApp,
  DeviceBindingRevocations,
  InternalHttpClient,
  JWT_ALGORITHM,
  JWT_AUDIENCES,
  JWT_ISSUER,
  ServiceTokenSource,
  serviceMetrics,
  typeOrmOptions,
  USER_TOKEN_AUDIENCES,
} from '@kirim/platform';
import { createTestDatabase, TestDatabase } from '@kirim/testing';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { PaymentModule } from '../payment/payment.module';
import { PaymentsConfig } from '../payments.config';
import { TEST_PARTIES, TEST_PAYER_ID, TEST_PIN_BLOCK } from '../testing/payment-fakes';
import { admissionBeforeBody } from './refuse-while-full.middleware';
import { SagaLagSampler } from './saga-lag-sampler';
import { SAGA_LAG_SQL } from './typeorm-saga-lag.repository';

/*
 * Backpressure over HTTP against real PostgreSQL: payments' PaymentModule as it runs (the sampler,
 * the guard, InitiatePaymentUseCase and its tables), with identity answered by a stand-in fetch and
 * no relay, so the outbox holds what the test puts there. A row left unpublished for a minute is
 * the saga lagging: POST /v1/payments is then 503 payments-overloaded with Retry-After and writes
 * nothing; a retry of an accepted payment is still answered; once the row is published, payments
 * are accepted again.
 */

class FixedServiceToken extends ServiceTokenSource {
  async tokenFor(_audience: ServicePrincipal): Promise<string> {
    return 'service-token';
  }
  forget(): void {
    // Nothing is cached.
  }
}

class NoRevocations extends DeviceBindingRevocations {
  async isRevoked(): Promise<boolean> {
    return false;
  }
}

/** identity's resolve-payment-parties: always TEST_PARTIES, counting the calls; held while `held` is set. */
const identity = {
  calls: 0,
  held: null as Promise<void> | null,
  fetch: async (): Promise<Response> => {
    identity.calls += 1;
    if (identity.held !== null) await identity.held;
    return new Response(JSON.stringify(TEST_PARTIES), { status: 200, headers: { 'content-type': 'application/json' } });
  },
};

let database: TestDatabase;
let app: INestApplication;
let baseUrl: string;
let dataSource: DataSource;
let sampler: SagaLagSampler;
let userToken: string;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  database = await createTestDatabase('payments_admission');
  const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM);
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'it', alg: JWT_ALGORITHM, use: 'sig' };
  const now = Math.floor(Date.now() / 1000);
  // A sandbox-login token (no device binding): the payer's limits have no cooling period.
  userToken = await new SignJWT({})
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'it' })
    .setSubject(TEST_PAYER_ID)
    .setIssuer(JWT_ISSUER)
    .setAudience([...USER_TOKEN_AUDIENCES])
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .setJti(randomUUID())
    .sign(privateKey);

  const env = {
    HTTP_PORT: '1',
    DATABASE_URL: database.url,
    KAFKA_BROKERS: '127.0.0.1:1',
    IDENTITY_JWKS_URL: 'http://127.0.0.1:1/.well-known/jwks.json',
    IDENTITY_URL: 'http://identity.test',
    // The test takes the samples (a tick is a sample); the sampler's own ticks are rare and read the same rows.
    PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS: '5000',
    // Two at once: the tests above send one at a time; the in-flight test holds two.
    PAYMENT_ADMISSION_MAX_IN_FLIGHT: '2',
  };

  @Global()
  @Module({
    providers: [
      { provide: InternalHttpClient, useValue: new InternalHttpClient({ baseUrls: { identity: 'http://identity.test' }, tokens: new FixedServiceToken(), transport: identity.fetch }) },
      { provide: TransactionRunner, inject: [DataSource], useFactory: (source: DataSource) => new UnitOfWork(source, new OutboxWriter(EVENT_SOURCES.PAYMENTS)) },
      // No consumer here: nothing applied, no apply delay (the outbox's lag alone decides).
      { provide: ConsumerState, useValue: new ConsumerState(15_000) },
    ],
    exports: [InternalHttpClient, TransactionRunner, ConsumerState],
  })
  class StandInsModule {}

  @Module({
    imports: [
      ConfigModule.forRoot(PaymentsConfig, env),
      createLoggingModule('payments-admission-it'),
      TypeOrmModule.forRoot(typeOrmOptions({ url: database.url, entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS, applicationName: 'payments-admission-it' })),
      AuthModule.forRoot({ audience: JWT_AUDIENCES.PAYMENTS, keyResolver: createLocalJWKSet({ keys: [jwk] }), revocations: new NoRevocations() }),
      StandInsModule,
      PaymentModule,
    ],
  })
  class AdmissionTestModule {}

  app = await createServiceApp(AdmissionTestModule, { serviceName: 'payments-admission-it', openApi: { title: 'it', description: 'it' }, beforeBody: admissionBeforeBody });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  dataSource = app.get(DataSource);
  sampler = app.get(SagaLagSampler);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

beforeEach(async () => {
  await dataSource.query('TRUNCATE payments, idempotency_keys, outbox_messages CASCADE');
  identity.calls = 0;
});

/** A sample taken after this call: a tick already running may have read before it, so a second one follows it. */
async function sampleNow(): Promise<void> {
  await sampler.tick();
  await sampler.tick();
}

/** What the relay does once the broker has a row: publish it, then delete it. Here: everything so far. */
async function publishOutbox(): Promise<void> {
  await dataSource.query('DELETE FROM outbox_messages');
}

/** A row written `secondsAgo` by the database's clock and not published since: the saga lagging. */
async function leaveUnpublished(secondsAgo: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO outbox_messages (id, topic, record_key, type, source, occurred_at, data)
     VALUES ($1, 'bank.requests.v1', $2, 'bank.debit.requested.v1', 'payments', now() - make_interval(secs => $3), '{}'::jsonb)`,
    [randomUUID(), randomUUID(), secondsAgo],
  );
}

async function pay(idempotencyKey: string, note = 'dinner'): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ payee: { phone: '+919876543210' }, amount: { value: '250.00', currency: 'INR' }, note, encryptedPin: TEST_PIN_BLOCK }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** POST with no token and a body that is not JSON: what only a refusal before body and token can answer 503. */
function sendRaw(path: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: '{not json' });
}

async function count(table: 'payments' | 'idempotency_keys' | 'outbox_messages'): Promise<number> {
  const [row] = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

async function refusalsCounted(reason: 'saga-lag' | 'in-flight' = 'saga-lag'): Promise<number> {
  const metric = await serviceMetrics.getSingleMetric('kirim_payment_admission_refusals_total')?.get();
  return metric?.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

describe('backpressure on POST /v1/payments (PostgreSQL)', () => {
  it('refuses a new payment while the saga lags past its bound: 503 problem+json with Retry-After, nothing written, identity not asked', async () => {
    await leaveUnpublished(60);
    await sampleNow();
    const refusalsBefore = await refusalsCounted();

    const refused = await pay(randomUUID());

    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // 60 s against the 10 s bound: 50 s over, so the cap of 10 s.
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.body).toMatchObject({ status: 503, code: 'payments-overloaded', type: 'https://kirim.dev/problems/payments-overloaded' });
    expect(await count('payments')).toBe(0);
    expect(await count('idempotency_keys')).toBe(0);
    expect(await count('outbox_messages')).toBe(1);
    expect(identity.calls).toBe(0);
    expect(await refusalsCounted()).toBe(refusalsBefore + 1);
  });

  it('says to retry sooner when the lag is only a little over the bound', async () => {
    await leaveUnpublished(11);
    await sampleNow();
    const refused = await pay(randomUUID());
    expect(refused.status).toBe(503);
    // 1 s over when written; the test's own time (well under 9 s) can only add to it.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThan(10);
  });

  it('accepts below the bound, answers a retry of that payment while refusing, and accepts again once the outbox drains', async () => {
    // A backlog younger than the bound is no lag to refuse for.
    await leaveUnpublished(5);
    await sampleNow();
    const accepted = await pay('pay-before-the-lag');
    expect(accepted.status).toBe(202);
    const paymentId = accepted.body.paymentId;
    expect(typeof paymentId).toBe('string');

    await publishOutbox();
    await leaveUnpublished(120);
    await sampleNow();

    // The payer's retry of a payment already accepted (its answer lost): answered from the record.
    const replayed = await pay('pay-before-the-lag');
    expect(replayed.status).toBe(200);
    expect(replayed.body.paymentId).toBe(paymentId);
    // The same key with another body is still the use case's to refuse, with nothing written.
    expect((await pay('pay-before-the-lag', 'something else')).body).toMatchObject({ status: 422, code: 'idempotency-key-reused' });
    expect((await pay('pay-during-the-lag')).status).toBe(503);
    expect(await count('payments')).toBe(1);
    expect(await count('idempotency_keys')).toBe(1);

    await publishOutbox();
    await sampleNow();
    const after = await pay('pay-during-the-lag');
    expect(after.status).toBe(202);
    expect(await count('payments')).toBe(2);
  });

  it('refuses at once, writing nothing, while the replica already works on PAYMENT_ADMISSION_MAX_IN_FLIGHT payments; admits again once they are answered', async () => {
    let release = (): void => undefined;
    identity.held = new Promise<void>((resolve) => (release = resolve));
    const refusalsBefore = await refusalsCounted('in-flight');
    try {
      // Two payments waiting on identity: the replica's two places are taken.
      const waiting = [pay('first-in'), pay('second-in')];
      while (identity.calls < 2) await new Promise((resolve) => setTimeout(resolve, 5));

      const refused = await pay('third-in');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body).toMatchObject({ status: 503, code: 'payments-overloaded' });
      expect(identity.calls).toBe(2);
      expect(await refusalsCounted('in-flight')).toBe(refusalsBefore + 1);

      // Refused before its body is read and its token checked: no token and a body that is not
      // JSON get the same 503, where a replica with room answers 400 for the body (below).
      const early = await sendRaw('/V1/Payments/');
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('1');
      expect(await early.json()).toMatchObject({ status: 503, code: 'payments-overloaded', instance: '/V1/Payments/' });
      expect(await refusalsCounted('in-flight')).toBe(refusalsBefore + 2);
      // Only the routes that start a payment: reading one is answered as ever.
      expect((await fetch(`${baseUrl}/v1/payments/${randomUUID()}`)).status).toBe(401);

      release();
      expect((await Promise.all(waiting)).map((answer) => answer.status)).toEqual([202, 202]);
    } finally {
      release();
      identity.held = null;
    }
    // With room again the same request is read, and refused for its body.
    expect(await (await sendRaw('/V1/Payments/')).json()).toMatchObject({ status: 400, code: 'validation-failed' });
    // The refused one left nothing behind; sent again, it is a new payment like any other.
    expect(await count('payments')).toBe(2);
    expect(await count('idempotency_keys')).toBe(2);
    expect((await pay('third-in')).status).toBe(202);
    expect(await count('payments')).toBe(3);
  });

  it('reads the lag through the outbox primary key, never by scanning a table', async () => {
    for (let n = 0; n < 50; n += 1) await leaveUnpublished(n);
    await dataSource.query('ANALYZE outbox_messages');
    const plan: string = await dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await manager.query(`EXPLAIN ${SAGA_LAG_SQL}`);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Scan using outbox_messages_pkey on outbox_messages/);
    expect(plan).not.toMatch(/Seq Scan|payments/);
  });

  it('documents the 503 on POST /v1/payments in its OpenAPI document', async () => {
    const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { allOf: [unknown, { properties: { code: { enum: string[] } } }] } }> }> }>>;
    };
    const unavailable = document.paths['/v1/payments'].post.responses['503'];
    expect(unavailable.content['application/problem+json'].schema.allOf[1].properties.code.enum).toEqual(expect.arrayContaining(['payments-overloaded', 'dependency-unavailable']));
  });
});
