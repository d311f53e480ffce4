import 'reflect-metadata';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Global, INestApplication, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLocalJWKSet, SignJWT } from 'jose';
import { DEVICE_PROOF_AUDIENCE, DEVICE_PROOF_PURPOSES, DEVICE_PROOF_TYPE, EVENT_SOURCES, EVENT_TYPES, TOPICS } from '@kirim/contracts';
import { OutboxWriter, TransactionRunner, UnitOfWork } from '@kirim/messaging';
import {
  AuthModule,
  createLoggingModule,
  createServiceApp,
  FieldEncryption,
  JWT_ALGORITHM,
  JWT_AUDIENCES,
  JWT_ISSUER,
  LookupHasher,
  RandomIdGenerator,
  ServiceAuthModule,
  SystemClock,
  TimeModule,
  typeOrmOptions,
} from '@kirim/platform';
import { createTestDatabase, TestDatabase, testDataProtection, uniquePhone } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { identityDataSourceInput } from '../identity.persistence';
import { CreateDefaultPaymentAddress } from '../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { PaymentAddressRepository } from '../payment-addresses/payment-address.repository';
import { TypeOrmPaymentAddressRepository } from '../payment-addresses/typeorm-payment-address.repository';
import { GetSmsNumber } from '../sms-numbers/get-sms-number/get-sms-number.use-case';
import { SmsNumbersController } from '../sms-numbers/sms-numbers.controller';
import { aDevice, TestDevice } from '../testing/device-binding-harness';
import { publishJwks } from '../tokens/jwks';
import { loadSigningKey } from '../tokens/signing-key';
import { TokenIssuer } from '../tokens/token-issuer';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { UserRepository } from '../users/user.repository';
import { AttemptCounterRepository, AttemptLimiter } from './attempt-limits';
import { CompleteDeviceBinding } from './complete-device-binding/complete-device-binding.use-case';
import { ConfirmBindingBySms } from './confirm-binding-by-sms/confirm-binding-by-sms.use-case';
import { DEVICE_BINDING_POLICY, deviceBindingPolicy } from './device-binding-policy';
import { DeviceBindingRepository, RefreshTokenRepository, ReplayGuard } from './device-binding.repository';
import { DeviceBindingsController } from './device-bindings.controller';
import { IdentityDeviceBindingRevocations } from './identity-device-binding-revocations';
import { RefreshSession } from './refresh-session/refresh-session.use-case';
import { RequestDeviceBinding } from './request-device-binding/request-device-binding.use-case';
import { RandomSecretGenerator, SecretGenerator } from './secret-generator';
import { SignOut } from './sign-out/sign-out.use-case';
import { TypeOrmAttemptCounterRepository, TypeOrmDeviceBindingRepository, TypeOrmRefreshTokenRepository, TypeOrmReplayGuard } from './typeorm-device-binding.repository';

/*
 * Sign-out and SMS receipts' two pieces in identity, over HTTP against real PostgreSQL and identity's
 * real migrations, with device-bound tokens checked against the database as identity checks them:
 * - POST /v1/me/sign-out revokes the token's binding (in the revocation feed, its refresh tokens
 *   with it), and the outbox holds identity.user.app-presence-changed.v1 in the same transaction
 *   (true on binding, false on signing out of the last device), changedAt rising, without the phone;
 *   the same token again is 401; two sign-outs at once revoke and announce once.
 * - INTERNAL_OPERATIONS.GET_SMS_NUMBER answers notifications alone: another service's token and a
 *   user's token are 403, no token 401; an unknown user 404, a malformed id 400.
 */

const VIRTUAL = '+919000000000';
const protection = testDataProtection();
const signingKey = loadSigningKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'it');
const keys = createLocalJWKSet(publishJwks([signingKey]));

let database: TestDatabase;
let app: INestApplication;
let baseUrl: string;
let dataSource: DataSource;
const serviceTokens: Record<'notifications' | 'payments', string> = { notifications: '', payments: '' };

/** What identity's IdentityPersistenceModule makes global: the guard reads bindings through it. */
@Global()
@Module({
  providers: [
    { provide: FieldEncryption, useValue: protection.fields },
    { provide: LookupHasher, useValue: protection.lookups },
    { provide: UserRepository, useClass: TypeOrmUserRepository },
    { provide: DeviceBindingRepository, useClass: TypeOrmDeviceBindingRepository },
    { provide: PaymentAddressRepository, useClass: TypeOrmPaymentAddressRepository },
  ],
  exports: [FieldEncryption, LookupHasher, UserRepository, DeviceBindingRepository, PaymentAddressRepository],
})
class SignOutTestPersistence {}

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  database = await createTestDatabase('identity_sign_out');
  const serviceToken = (client: string) =>
    new SignJWT({ client_id: client })
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'it' })
      .setIssuer(JWT_ISSUER)
      .setAudience('identity')
      .setJti(randomUUID())
      .setSubject(client)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey.privateKey);
  serviceTokens.notifications = await serviceToken('notifications');
  serviceTokens.payments = await serviceToken('payments');

  @Module({
    imports: [
      createLoggingModule('identity-it'),
      TypeOrmModule.forRoot(typeOrmOptions(identityDataSourceInput(database.url, protection))),
      SignOutTestPersistence,
      // As identity: its own tokens' bindings checked in its database, at once.
      AuthModule.forRoot({ audience: JWT_AUDIENCES.IDENTITY, keyResolver: keys, revocations: IdentityDeviceBindingRevocations }),
      ServiceAuthModule.forRoot({ self: 'identity', keyResolver: keys }),
      TimeModule,
    ],
    controllers: [DeviceBindingsController, SmsNumbersController],
    providers: [
      RequestDeviceBinding,
      ConfirmBindingBySms,
      CompleteDeviceBinding,
      RefreshSession,
      SignOut,
      GetSmsNumber,
      AttemptLimiter,
      CreateDefaultPaymentAddress,
      { provide: RefreshTokenRepository, useClass: TypeOrmRefreshTokenRepository },
      { provide: ReplayGuard, useClass: TypeOrmReplayGuard },
      { provide: AttemptCounterRepository, useClass: TypeOrmAttemptCounterRepository },
      { provide: SecretGenerator, useClass: RandomSecretGenerator },
      { provide: TokenIssuer, useValue: new TokenIssuer({ signingKey, ttlSeconds: 300, clock: new SystemClock(), ids: new RandomIdGenerator() }) },
      {
        provide: DEVICE_BINDING_POLICY,
        useValue: deviceBindingPolicy({
          SMS_VIRTUAL_NUMBER: VIRTUAL,
          DEVICE_BINDING_TTL_SECONDS: 600,
          REFRESH_TOKEN_TTL_SECONDS: 86_400,
          BIND_REQUESTS_PER_PHONE_PER_HOUR: 50,
          BIND_REQUESTS_PER_DEVICE_PER_HOUR: 50,
          BINDING_COMPLETION_ATTEMPTS: 5,
        }),
      },
      { provide: TransactionRunner, inject: [DataSource], useFactory: (source: DataSource) => new UnitOfWork(source, new OutboxWriter(EVENT_SOURCES.IDENTITY)) },
    ],
  })
  class SignOutTestModule {}
  app = await createServiceApp(SignOutTestModule, { serviceName: 'identity-it', openApi: { title: 'it', description: 'it' } });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  dataSource = app.get(DataSource);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly cacheControl: string | null;
  readonly text: string;
  readonly body: { phone?: string; code?: string } | null;
}

async function call(method: 'GET' | 'POST', path: string, token?: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), cacheControl: response.headers.get('cache-control'), text, body: text ? (JSON.parse(text) as Answer['body']) : null };
}

const signOut = (token?: string) => call('POST', '/v1/me/sign-out', token);
const smsNumber = (userId: string, token?: string) => call('GET', `/internal/v1/users/${userId}/sms-number`, token);

/** Binds a device through the use cases (request, the SMS from its SIM, the device proof), as the HTTP flow does. */
async function bind(device: TestDevice): Promise<{ userId: string; bindingId: string; accessToken: string; refreshToken: string }> {
  const started = await app.get(RequestDeviceBinding).execute({ phone: device.phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });
  if (!started.ok) throw new Error(started.code);
  const sms = { messageId: randomUUID(), from: device.phone, to: VIRTUAL, text: started.bindingToken, receivedAt: new Date().toISOString() };
  const confirmed = await app.get(ConfirmBindingBySms).execute({ webhookId: `msg_${randomUUID()}`, sms });
  if (!confirmed.ok) throw new Error(confirmed.code);
  const proof = await new SignJWT({ purpose: DEVICE_PROOF_PURPOSES.COMPLETE_BINDING })
    .setProtectedHeader({ alg: 'ES256', typ: DEVICE_PROOF_TYPE })
    .setAudience(DEVICE_PROOF_AUDIENCE)
    .setSubject(started.bindingId)
    .setIssuedAt()
    .setJti(randomUUID())
    .sign(device.privateKey);
  const done = await app.get(CompleteDeviceBinding).execute({ bindingId: started.bindingId, proof });
  if (!done.ok) throw new Error(done.code);
  return { userId: done.userId, bindingId: done.bindingId, accessToken: done.access.accessToken, refreshToken: done.refreshToken };
}

interface PresenceRow {
  topic: string;
  record_key: string;
  data: { userId: string; hasApp: boolean; changedAt: string };
}

const presenceOf = (userId: string): Promise<PresenceRow[]> =>
  dataSource.query('SELECT topic, record_key, data FROM outbox_messages WHERE type = $1 AND record_key = $2 ORDER BY position', [EVENT_TYPES.USER_APP_PRESENCE_CHANGED, userId]);

const bindingRow = async (bindingId: string): Promise<{ status: string; revoked_reason: string | null }> =>
  (await dataSource.query<Array<{ status: string; revoked_reason: string | null }>>('SELECT status, revoked_reason FROM device_bindings WHERE id = $1', [bindingId]))[0];

describe('POST /v1/me/sign-out (PostgreSQL)', () => {
  it("revokes the token's binding, in the feed and with its refresh token, and announces hasApp true then false in the outbox, without the phone", async () => {
    const device = await aDevice(uniquePhone());
    const bound = await bind(device);

    const answer = await signOut(bound.accessToken);

    expect([answer.status, answer.text]).toEqual([204, '']);
    expect(await bindingRow(bound.bindingId)).toEqual({ status: 'revoked', revoked_reason: 'signed-out' });
    expect(await dataSource.query('SELECT reason FROM device_binding_revocations WHERE binding_id = $1', [bound.bindingId])).toEqual([{ reason: 'signed-out' }]);
    expect(await dataSource.query('SELECT status FROM refresh_tokens WHERE binding_id = $1', [bound.bindingId])).toEqual([{ status: 'revoked' }]);
    const rows = await presenceOf(bound.userId);
    expect(rows).toEqual([
      { topic: TOPICS.IDENTITY_EVENTS, record_key: bound.userId, data: { userId: bound.userId, hasApp: true, changedAt: expect.any(String) } },
      { topic: TOPICS.IDENTITY_EVENTS, record_key: bound.userId, data: { userId: bound.userId, hasApp: false, changedAt: expect.any(String) } },
    ]);
    expect(Date.parse(rows[1].data.changedAt)).toBeGreaterThan(Date.parse(rows[0].data.changedAt));
    expect(JSON.stringify(rows)).not.toContain(device.phone.slice(3));
  });

  it('answers the same token again 401 problem+json, as any revoked token, revoking and announcing nothing more', async () => {
    const bound = await bind(await aDevice(uniquePhone()));
    await signOut(bound.accessToken);

    const again = await signOut(bound.accessToken);

    expect([again.status, again.body?.code]).toEqual([401, 'unauthenticated']);
    expect(again.contentType).toMatch(/^application\/problem\+json/);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM device_binding_revocations WHERE binding_id = $1', [bound.bindingId])).toEqual([{ n: 1 }]);
    expect(await presenceOf(bound.userId)).toHaveLength(2);
  });

  it('revokes and announces once when the same token signs out twice at once', async () => {
    const bound = await bind(await aDevice(uniquePhone()));

    const answers = await Promise.all([signOut(bound.accessToken), signOut(bound.accessToken)]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 401]);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM device_binding_revocations WHERE binding_id = $1', [bound.bindingId])).toEqual([{ n: 1 }]);
    expect((await presenceOf(bound.userId)).map((row) => row.data.hasApp)).toEqual([true, false]);
  });

  it('announces hasApp true again, later, when the user signs in again, and the new device signs out in turn', async () => {
    const phone = uniquePhone();
    const first = await bind(await aDevice(phone));
    await signOut(first.accessToken);

    const second = await bind(await aDevice(phone));
    expect(second.userId).toBe(first.userId);
    expect((await signOut(second.accessToken)).status).toBe(204);

    const rows = await presenceOf(first.userId);
    expect(rows.map((row) => row.data.hasApp)).toEqual([true, false, true, false]);
    const instants = rows.map((row) => Date.parse(row.data.changedAt));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    expect(new Set(instants).size).toBe(4);
  });

  it('refuses a caller without a token', async () => {
    const answer = await signOut();

    expect([answer.status, answer.body?.code]).toEqual([401, 'unauthenticated']);
  });
});

describe('get-sms-number (notifications → identity, PostgreSQL)', () => {
  it("answers notifications the user's number in E.164, decrypted, not to be cached", async () => {
    const phone = uniquePhone();
    const bound = await bind(await aDevice(phone));

    const answer = await smsNumber(bound.userId, serviceTokens.notifications);

    expect([answer.status, answer.body]).toEqual([200, { phone }]);
    expect(answer.cacheControl).toBe('no-store');
    // Stored encrypted, answered in clear: the column never holds the number.
    expect(JSON.stringify(await dataSource.query('SELECT phone_encrypted FROM users WHERE id = $1', [bound.userId]))).not.toContain(phone.slice(3));
  });

  it('answers 404 problem+json for a user nobody is, and 400 for an id that is not a UUID', async () => {
    const unknown = await smsNumber(randomUUID(), serviceTokens.notifications);
    const malformed = await smsNumber('not-a-uuid', serviceTokens.notifications);

    expect([unknown.status, unknown.body?.code]).toEqual([404, 'user-not-found']);
    expect(unknown.contentType).toMatch(/^application\/problem\+json/);
    expect([malformed.status, malformed.body?.code]).toEqual([400, 'validation-failed']);
  });

  it("is refused to every caller but notifications: 403 for payments' token and for the user's own token, 401 without a token; the number is in none", async () => {
    const phone = uniquePhone();
    const bound = await bind(await aDevice(phone));

    const answers = [await smsNumber(bound.userId, serviceTokens.payments), await smsNumber(bound.userId, bound.accessToken), await smsNumber(bound.userId)];

    expect(answers.map((answer) => [answer.status, answer.body?.code])).toEqual([
      [403, 'forbidden'],
      [403, 'forbidden'],
      [401, 'unauthenticated'],
    ]);
    for (const answer of answers) expect(answer.text).not.toContain(phone.slice(3));
  });
});
