import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { TransactionRunner } from '@kirim/messaging';
import { ConfigModule, createLoggingModule, createServiceApp, JWT_ALGORITHM, JWT_ISSUER, ServiceAuthModule, TimeModule, typeOrmOptions, DataEncryptionModule, FieldEncryption, LookupHasher } from '@kirim/platform';
import { createTestDatabase, TestDatabase, testDataEncryptionEnv } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { BankConnectorConfig } from '../bank-connector.config';
import { bankConnectorDataSourceInput } from '../bank-connector.persistence';
import { BankAccountsController } from '../bank-accounts/bank-accounts.controller';
import { DiscoverBankAccounts } from '../bank-accounts/discover-bank-accounts/discover-bank-accounts.use-case';
import { PartnerAccountLookupRepository } from '../bank-accounts/partner-account-lookup.repository';
import { TypeOrmPartnerAccountLookupRepository } from '../bank-accounts/typeorm-partner-account-lookup.repository';
import { PartnerRegistry } from '../partner-banks/partner-registry';
import { SandboxBankModule } from './sandbox-bank.module';

/*
 * The HTTP surface against real PostgreSQL, with the service's conventions (createServiceApp: /v1
 * prefix, validation, problem+json). Kafka is left out: these endpoints do not touch it.
 */

const ADMIN_TOKEN = 'it-sandbox-admin-token';
let database: TestDatabase;
let app: INestApplication;
let appWithoutAdmin: INestApplication;
let baseUrl: string;
let baseUrlWithoutAdmin: string;
/** identity's service token for bank-connector, as identity's token source would mint it. */
let identityToken: string;
/** A user's access token and another service's token: internal operations refuse both. */
let userToken: string;
let paymentsToken: string;
const DATA_ENCRYPTION_ENV = testDataEncryptionEnv();

async function startApp(adminToken: string | undefined, keys: ReturnType<typeof createLocalJWKSet>): Promise<{ app: INestApplication; url: string }> {
  const env = {
    HTTP_PORT: '1',
    DATABASE_URL: database.url,
    KAFKA_BROKERS: '127.0.0.1:1',
    IDENTITY_JWKS_URL: 'http://127.0.0.1:1/.well-known/jwks.json',
    ...(adminToken ? { SANDBOX_ADMIN_TOKEN: adminToken } : {}),
  };
  @Module({
    imports: [
      ConfigModule.forRoot(BankConnectorConfig, env),
      createLoggingModule('bank-connector-it'),
      // One set of keys for both apps of this file: they share the database.
      DataEncryptionModule.forRoot(DATA_ENCRYPTION_ENV),
      TypeOrmModule.forRootAsync({
        inject: [FieldEncryption, LookupHasher],
        useFactory: (fields: FieldEncryption, lookups: LookupHasher) => typeOrmOptions(bankConnectorDataSourceInput(database.url, { fields, lookups })),
      }),
      ServiceAuthModule.forRoot({ self: 'bank-connector', keyResolver: keys }),
      TimeModule,
      SandboxBankModule,
    ],
    controllers: [BankAccountsController],
    providers: [
      DiscoverBankAccounts,
      // No partner banks here, so discovery never sends a lookup (and needs no Kafka).
      { provide: PartnerRegistry, useValue: PartnerRegistry.empty() },
      { provide: PartnerAccountLookupRepository, useClass: TypeOrmPartnerAccountLookupRepository },
      { provide: TransactionRunner, useValue: { run: () => Promise.reject(new Error('no Kafka in this test')) } },
    ],
  })
  class SandboxHttpTestModule {}
  const started = await createServiceApp(SandboxHttpTestModule, { serviceName: 'bank-connector-it', openApi: { title: 'it', description: 'it' } });
  await started.listen(0, '127.0.0.1');
  const { port } = started.getHttpServer().address() as AddressInfo;
  return { app: started, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  database = await createTestDatabase('bank_connector_http');
  const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM);
  const jwk = { ...(await exportJWK(publicKey)), kid: 'it', alg: JWT_ALGORITHM };
  const keys = createLocalJWKSet({ keys: [jwk] });
  const sign = (claims: Record<string, unknown>, subject: string, audience: string | string[]) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'it' })
      .setIssuer(JWT_ISSUER)
      .setAudience(audience)
      .setJti(randomUUID())
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  identityToken = await sign({ client_id: 'identity' }, 'identity', 'bank-connector');
  paymentsToken = await sign({ client_id: 'payments' }, 'payments', 'bank-connector');
  userToken = await sign({ did: randomUUID(), dbt: 1 }, randomUUID(), ['identity', 'payments', 'notifications', 'bank-connector']);
  ({ app, url: baseUrl } = await startApp(ADMIN_TOKEN, keys));
  ({ app: appWithoutAdmin, url: baseUrlWithoutAdmin } = await startApp(undefined, keys));
}, 30_000);

afterAll(async () => {
  await app?.close();
  await appWithoutAdmin?.close();
  await database?.drop();
});

const admin = { 'content-type': 'application/json', 'x-sandbox-admin-token': ADMIN_TOKEN };

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; contentType: string }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, contentType: response.headers.get('content-type') ?? '' };
}

describe('sandbox bank HTTP API (PostgreSQL)', () => {
  it('answers 404 on every sandbox endpoint when SANDBOX_ADMIN_TOKEN is unset', async () => {
    expect((await call(`${baseUrlWithoutAdmin}/v1/sandbox/ledger/summary`, { headers: admin })).status).toBe(404);
    expect((await call(`${baseUrlWithoutAdmin}/v1/sandbox/accounts`, { method: 'POST', headers: admin, body: '{}' })).status).toBe(404);
  });

  it('answers 401 problem+json without or with a wrong admin token', async () => {
    const missing = await call(`${baseUrl}/v1/sandbox/ledger/summary`);
    const wrong = await call(`${baseUrl}/v1/sandbox/ledger/summary`, { headers: { 'x-sandbox-admin-token': 'not-it' } });
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.contentType).toContain('application/problem+json');
    expect(wrong.body).toMatchObject({ code: 'unauthenticated' });
  });

  it('opens an account with an opening balance, lists it masked, and keeps the ledger at zero', async () => {
    const opened = await call(`${baseUrl}/v1/sandbox/accounts`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ bankCode: 'SBXA', mobile: '+919800000001', holderName: 'Asha', openingBalance: { value: '10000.00', currency: 'INR' } }),
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual({
      accountRef: expect.stringMatching(/^[0-9a-f-]{36}$/),
      bankCode: 'SBXA',
      maskedAccountNumber: expect.stringMatching(/^X{8}\d{4}$/),
      balance: { value: '10000.00', currency: 'INR' },
    });

    const listed = await call(`${baseUrl}/v1/sandbox/accounts?mobile=%2B919800000001`, { headers: admin });
    expect(listed.body).toEqual([
      {
        accountRef: (opened.body as { accountRef: string }).accountRef,
        bankCode: 'SBXA',
        bankName: 'Sandbox Bank A',
        maskedAccountNumber: (opened.body as { maskedAccountNumber: string }).maskedAccountNumber,
        holderName: 'Asha',
        balance: { value: '10000.00', currency: 'INR' },
        freeze: 'none',
      },
    ]);

    const summary = await call(`${baseUrl}/v1/sandbox/ledger/summary`, { headers: admin });
    expect(summary.body).toEqual({
      accounts: 3,
      totalMinorUnitsByCurrency: { INR: '0' },
      customerTotal: { INR: { value: '10000.00', currency: 'INR' } },
      customerTotalMinorUnitsByCurrency: { INR: '1000000' },
      unreconciledAccounts: 0,
    });
  });

  it('refuses an unknown bank, a malformed amount and unknown fields with 400 problem+json', async () => {
    const body = { bankCode: 'SBXA', mobile: '+919800000009', holderName: 'X', openingBalance: { value: '1.00', currency: 'INR' } };
    for (const bad of [{ ...body, bankCode: 'ZZZZ' }, { ...body, openingBalance: { value: '-1', currency: 'INR' } }, { ...body, extra: 1 }]) {
      const answer = await call(`${baseUrl}/v1/sandbox/accounts`, { method: 'POST', headers: admin, body: JSON.stringify(bad) });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'validation-failed' });
    }
  });

  it('discovers accounts by mobile for identity, with its service token, even with an unencoded +', async () => {
    await call(`${baseUrl}/v1/sandbox/accounts`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ bankCode: 'SBXB', mobile: '+919800000002', holderName: 'Bala', openingBalance: { value: '1000.00', currency: 'INR' } }),
    });
    const discover = (mobile: string, token?: string) =>
      call(`${baseUrl}/internal/v1/bank-accounts?mobile=${mobile}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    const found = await discover('+919800000002', identityToken);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      accounts: [{ accountRef: expect.any(String), bankCode: 'SBXB', bankName: 'Sandbox Bank B', maskedAccountNumber: expect.stringMatching(/^X{8}\d{4}$/), holderName: 'Bala' }],
    });

    expect((await discover('%2B919899999999', identityToken)).body).toEqual({ accounts: [] });
    expect((await discover('12', identityToken)).status).toBe(400);
  });

  it('refuses account discovery to anyone but identity: no token, a user token (even one naming bank-connector), another service', async () => {
    const discover = (token?: string) =>
      call(`${baseUrl}/internal/v1/bank-accounts?mobile=%2B919800000002`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect(await discover()).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(await discover(userToken)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await discover(paymentsToken)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    // The old public path is gone: nothing answers it.
    expect((await call(`${baseUrl}/v1/bank-accounts?mobile=%2B919800000002`, { headers: { authorization: `Bearer ${identityToken}` } })).status).toBe(404);
  });

  describe('PUT /v1/sandbox/accounts/{accountRef}/freeze', () => {
    const freeze = (accountRef: string, body: unknown, headers: Record<string, string> = admin, url = baseUrl) =>
      call(`${url}/v1/sandbox/accounts/${accountRef}/freeze`, { method: 'PUT', headers, body: JSON.stringify(body) });
    let accountRef: string;

    beforeAll(async () => {
      const opened = await call(`${baseUrl}/v1/sandbox/accounts`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ bankCode: 'SBXA', mobile: '+919800000003', holderName: 'Chitra', openingBalance: { value: '500.00', currency: 'INR' } }),
      });
      accountRef = (opened.body as { accountRef: string }).accountRef;
    });

    it('freezes an account, answers its state, shows it in the list, and lifts it with none', async () => {
      const frozen = await freeze(accountRef, { freeze: 'credit' });
      expect(frozen.status).toBe(200);
      expect(frozen.body).toEqual({
        accountRef,
        bankCode: 'SBXA',
        bankName: 'Sandbox Bank A',
        maskedAccountNumber: expect.stringMatching(/^X{8}\d{4}$/),
        holderName: 'Chitra',
        balance: { value: '500.00', currency: 'INR' },
        freeze: 'credit',
      });
      const listed = await call(`${baseUrl}/v1/sandbox/accounts?mobile=%2B919800000003`, { headers: admin });
      expect(listed.body).toEqual([expect.objectContaining({ accountRef, freeze: 'credit' })]);

      expect((await freeze(accountRef, { freeze: 'total' })).body).toMatchObject({ freeze: 'total' });
      expect((await freeze(accountRef, { freeze: 'none' })).body).toMatchObject({ freeze: 'none' });
      expect((await call(`${baseUrl}/v1/sandbox/accounts?mobile=%2B919800000003`, { headers: admin })).body).toEqual([expect.objectContaining({ freeze: 'none' })]);
    });

    it('answers 404 account-not-found for an account no sandbox bank holds, and for a settlement account', async () => {
      const [settlement] = await app.get(DataSource).query<Array<{ id: string }>>(`SELECT id FROM sandbox_accounts WHERE kind = 'settlement' AND bank_code = 'SBXB'`);
      for (const unknown of [randomUUID(), settlement.id]) {
        const answer = await freeze(unknown, { freeze: 'total' });
        expect(answer).toMatchObject({ status: 404, body: { code: 'account-not-found' } });
        expect(answer.contentType).toContain('application/problem+json');
      }
    });

    it('refuses a malformed account reference and a missing, unknown or extra field with 400 problem+json, changing nothing', async () => {
      for (const [ref, body] of [
        ['not-a-uuid', { freeze: 'total' }],
        [accountRef, {}],
        [accountRef, { freeze: 'partial' }],
        [accountRef, { freeze: 'TOTAL' }],
        [accountRef, { freeze: 'total', until: 'tomorrow' }],
      ] as const) {
        const answer = await freeze(ref, body);
        expect(answer).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
        expect(answer.contentType).toContain('application/problem+json');
      }
      expect((await call(`${baseUrl}/v1/sandbox/accounts?mobile=%2B919800000003`, { headers: admin })).body).toEqual([expect.objectContaining({ freeze: 'none' })]);
    });

    it('answers 401 without or with a wrong admin token, and 404 when SANDBOX_ADMIN_TOKEN is unset, changing nothing', async () => {
      const json = { 'content-type': 'application/json' };
      expect(await freeze(accountRef, { freeze: 'total' }, json)).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
      expect(await freeze(accountRef, { freeze: 'total' }, { ...json, 'x-sandbox-admin-token': 'not-it' })).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
      expect(await freeze(accountRef, { freeze: 'total' }, { ...json, authorization: `Bearer ${identityToken}` })).toMatchObject({ status: 401 });
      expect((await freeze(accountRef, { freeze: 'total' }, admin, baseUrlWithoutAdmin)).status).toBe(404);
      expect((await call(`${baseUrl}/v1/sandbox/accounts?mobile=%2B919800000003`, { headers: admin })).body).toEqual([expect.objectContaining({ freeze: 'none' })]);
    });

    it('is documented in OpenAPI with its body, answer and problems', async () => {
      const document = (await call(`${baseUrl}/docs-json`)).body as {
        paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown; responses: Record<string, unknown> }>>;
      };
      const operation = document.paths['/v1/sandbox/accounts/{accountRef}/freeze']?.put;
      expect(operation).toBeDefined();
      expect(operation.security).toEqual([{ sandboxAdminToken: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404']));
      expect(JSON.stringify(operation.requestBody)).toContain('SetSandboxAccountFreezeDto');
      expect(JSON.stringify(operation.responses['404'])).toContain('account-not-found');
    });
  });
});
