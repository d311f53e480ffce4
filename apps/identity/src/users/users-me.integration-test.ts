import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { EVENT_SOURCES, EVENT_TYPES, TOPICS } from '@kirim/contracts';
import { OutboxWriter, TransactionRunner, UnitOfWork } from '@kirim/messaging';
import { AuthModule, createLoggingModule, createServiceApp, DeviceBindingRevocations, FieldEncryption, JWT_ALGORITHM, JWT_AUDIENCES, JWT_ISSUER, LookupHasher, TimeModule, typeOrmOptions } from '@kirim/platform';
import { createTestDatabase, TestDatabase, testDataProtection, uniquePhone } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { LinkedBankAccountRepository } from '../bank-accounts/linked-bank-account.repository';
import { TypeOrmLinkedBankAccountRepository } from '../bank-accounts/typeorm-linked-bank-account.repository';
import { IdentityConfig } from '../identity.config';
import { identityDataSourceInput } from '../identity.persistence';
import { GetProfile } from './get-profile/get-profile.use-case';
import { RegisterUser } from './register-user/register-user.use-case';
import { SandboxLoginGuard } from './sandbox-login.guard';
import { StartSession } from './start-session/start-session.use-case';
import { TypeOrmUserRepository } from './typeorm-user.repository';
import { UpdatePreferences } from './update-preferences/update-preferences.use-case';
import { UserRepository } from './user.repository';
import { UsersController } from './users.controller';

/*
 * GET and PATCH /v1/me over HTTP against real PostgreSQL and identity's real migrations: the body is
 * validated (a tag Intl refuses and a zone it does not know are 400 validation-failed), good values
 * are stored (the tag in its canonical form) and shown, and each change is in the outbox in the same
 * transaction as identity.user.preferences-changed.v1, without the phone number or the name.
 * Registration and sandbox sign-in are not under test (their use cases are stubs here).
 */

class NoRevocations extends DeviceBindingRevocations {
  async isRevoked(): Promise<boolean> {
    return false;
  }
}

let database: TestDatabase;
let app: INestApplication;
let baseUrl: string;
let dataSource: DataSource;
let users: UserRepository;
let unitOfWork: TransactionRunner;
let tokenFor: (userId: string) => Promise<string>;

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: { userId?: string; locale?: string | null; timeZone?: string | null; displayName?: string; code?: string; errors?: string[] };
}

interface OutboxRow {
  topic: string;
  record_key: string;
  type: string;
  data: Record<string, unknown>;
}

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  database = await createTestDatabase('identity_users_me');
  const protection = testDataProtection();
  const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM);
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'it', alg: JWT_ALGORITHM }] });
  tokenFor = (userId) =>
    new SignJWT({}).setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'it' }).setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCES.IDENTITY).setJti(randomUUID()).setSubject(userId).setIssuedAt().setExpirationTime('5m').sign(privateKey);

  @Module({
    imports: [
      createLoggingModule('identity-it'),
      TypeOrmModule.forRoot(typeOrmOptions(identityDataSourceInput(database.url, protection))),
      AuthModule.forRoot({ audience: JWT_AUDIENCES.IDENTITY, keyResolver: keys, revocations: new NoRevocations() }),
      TimeModule,
    ],
    controllers: [UsersController],
    providers: [
      GetProfile,
      UpdatePreferences,
      { provide: RegisterUser, useValue: {} },
      { provide: StartSession, useValue: {} },
      // Sandbox login is off: its routes answer 404, as in production.
      { provide: IdentityConfig, useValue: { IDENTITY_SANDBOX_LOGIN: false } },
      SandboxLoginGuard,
      { provide: FieldEncryption, useValue: protection.fields },
      { provide: LookupHasher, useValue: protection.lookups },
      { provide: UserRepository, useClass: TypeOrmUserRepository },
      { provide: LinkedBankAccountRepository, useClass: TypeOrmLinkedBankAccountRepository },
      { provide: TransactionRunner, inject: [DataSource], useFactory: (source: DataSource) => new UnitOfWork(source, new OutboxWriter(EVENT_SOURCES.IDENTITY)) },
    ],
  })
  class UsersMeTestModule {}
  app = await createServiceApp(UsersMeTestModule, { serviceName: 'identity-it', openApi: { title: 'it', description: 'it' } });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  dataSource = app.get(DataSource);
  users = app.get(UserRepository);
  unitOfWork = app.get(TransactionRunner);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

beforeEach(async () => {
  await dataSource.query('TRUNCATE linked_bank_accounts, payment_addresses, users, outbox_messages CASCADE');
});

async function aUser(phone = uniquePhone()): Promise<string> {
  const id = randomUUID();
  await unitOfWork.run((tx) => users.insertIfPhoneFree(tx, { id, phone, displayName: 'Asha Kumari', createdAt: new Date() }));
  return id;
}

async function call(method: 'GET' | 'PATCH', userId: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${baseUrl}/v1/me`, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(userId)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Answer['body'] };
}

const outbox = (): Promise<OutboxRow[]> => dataSource.query('SELECT topic, record_key, type, data FROM outbox_messages ORDER BY position');
const stored = async (userId: string): Promise<{ locale: string | null; time_zone: string | null }> =>
  (await dataSource.query<Array<{ locale: string | null; time_zone: string | null }>>('SELECT locale, time_zone FROM users WHERE id = $1', [userId]))[0];

describe('PATCH /v1/me (PostgreSQL)', () => {
  it('shows no language or zone for a user who never set them', async () => {
    const userId = await aUser();

    expect(await call('GET', userId)).toMatchObject({ status: 200, body: { userId, locale: null, timeZone: null } });
  });

  it('stores the canonical tag and the zone as given, shows them, and puts the event in the outbox without phone or name', async () => {
    const phone = uniquePhone();
    const userId = await aUser(phone);

    const patched = await call('PATCH', userId, { locale: 'hi-in', timeZone: 'Asia/Kolkata' });

    expect(patched).toMatchObject({ status: 200, body: { userId, displayName: 'Asha Kumari', locale: 'hi-IN', timeZone: 'Asia/Kolkata' } });
    expect(await stored(userId)).toEqual({ locale: 'hi-IN', time_zone: 'Asia/Kolkata' });
    expect(await call('GET', userId)).toMatchObject({ status: 200, body: { locale: 'hi-IN', timeZone: 'Asia/Kolkata' } });
    const rows = await outbox();
    expect(rows).toEqual([
      {
        topic: TOPICS.IDENTITY_EVENTS,
        record_key: userId,
        type: EVENT_TYPES.USER_PREFERENCES_CHANGED,
        data: { userId, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(phone.slice(3));
    expect(JSON.stringify(rows)).not.toContain('Asha');
  });

  it('keeps a field left out, and announces the preferences as they now stand with a later changedAt', async () => {
    const userId = await aUser();
    await call('PATCH', userId, { locale: 'pt-BR' });

    const patched = await call('PATCH', userId, { timeZone: 'America/Sao_Paulo' });

    expect(patched).toMatchObject({ status: 200, body: { locale: 'pt-BR', timeZone: 'America/Sao_Paulo' } });
    const [first, second] = (await outbox()).map((row) => row.data as { locale?: string; timeZone?: string; changedAt: string });
    expect(first).toEqual({ userId, locale: 'pt-BR', changedAt: expect.any(String) });
    expect(second).toEqual({ userId, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: expect.any(String) });
    expect(Date.parse(second.changedAt)).toBeGreaterThan(Date.parse(first.changedAt));
  });

  it('announces nothing when the values are those already stored', async () => {
    const userId = await aUser();
    await call('PATCH', userId, { locale: 'hi-IN', timeZone: 'Asia/Kolkata' });

    expect(await call('PATCH', userId, { locale: 'HI-IN', timeZone: 'Asia/Kolkata' })).toMatchObject({ status: 200, body: { locale: 'hi-IN' } });
    expect(await outbox()).toHaveLength(1);
  });

  it.each([
    ['a malformed tag', { locale: 'en_US' }, /locale/],
    ['two tags', { locale: 'hi-IN,en' }, /locale/],
    ['a tag over 35 characters', { locale: `en-${'a'.repeat(8)}-${'b'.repeat(8)}-${'c'.repeat(8)}-${'d'.repeat(8)}` }, /locale/],
    ['a number for a tag', { locale: 42 }, /locale/],
    ['null for a tag', { locale: null }, /locale/],
    ['an unknown zone', { timeZone: 'Asia/Atlantis' }, /timeZone/],
    ['an offset for a zone', { timeZone: '+05:30' }, /timeZone/],
    ['a good tag with an unknown zone', { locale: 'hi-IN', timeZone: 'Mars/Olympus_Mons' }, /timeZone/],
    ['an unknown field', { locale: 'hi-IN', phone: '+919876543210' }, /phone/],
    ['neither field', {}, /locale, timeZone or both/],
  ])('refuses %s with 400 validation-failed, storing and announcing nothing', async (_name, body, mentions) => {
    const userId = await aUser();

    const answer = await call('PATCH', userId, body);

    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('validation-failed');
    expect(JSON.stringify(answer.body.errors)).toMatch(mentions);
    expect(await stored(userId)).toEqual({ locale: null, time_zone: null });
    expect(await outbox()).toEqual([]);
  });

  it('refuses a caller without a token', async () => {
    const response = await fetch(`${baseUrl}/v1/me`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale: 'hi-IN' }) });

    expect(response.status).toBe(401);
    expect(await outbox()).toEqual([]);
  });
});
