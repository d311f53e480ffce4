import { createHash, randomUUID } from 'node:crypto';
import { DEVICE_PROOF_AUDIENCE, DEVICE_PROOF_PURPOSES, DEVICE_PROOF_TYPE, EVENT_SOURCES } from '@kirim/contracts';
import { OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase, testDataProtection, uniquePhone } from '@kirim/testing';
import { RandomIdGenerator } from '@kirim/platform';
import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { identitySchema } from '../identity.persistence';
import { aDevice } from '../testing/device-binding-harness';
import { testTokenIssuer } from '../testing/test-token-issuer';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { AttemptLimiter } from './attempt-limits';
import { CompleteDeviceBinding } from './complete-device-binding/complete-device-binding.use-case';
import { ConfirmBindingBySms } from './confirm-binding-by-sms/confirm-binding-by-sms.use-case';
import { deviceBindingPolicy } from './device-binding-policy';
import { ListBindingRevocations } from './list-binding-revocations/list-binding-revocations.use-case';
import { RefreshSession } from './refresh-session/refresh-session.use-case';
import { RequestDeviceBinding } from './request-device-binding/request-device-binding.use-case';
import { RandomSecretGenerator } from './secret-generator';
import { TypeOrmAttemptCounterRepository, TypeOrmDeviceBindingRepository, TypeOrmRefreshTokenRepository, TypeOrmReplayGuard } from './typeorm-device-binding.repository';
import { CreateDefaultPaymentAddress } from '../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { TypeOrmPaymentAddressRepository } from '../payment-addresses/typeorm-payment-address.repository';

const VIRTUAL = '+919000000000';
const protection = testDataProtection();

/*
 * The device-binding repositories against real PostgreSQL with the real migrations, driven through
 * the use cases: what the SQL must guarantee (one confirmation per token, the feed's order, counters
 * shared by concurrent callers, nothing stored in clear) is checked where it is implemented.
 */
describe('device bindings (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let clock: FixedClock;
  let bindings: TypeOrmDeviceBindingRepository;
  let counters: TypeOrmAttemptCounterRepository;
  let request: RequestDeviceBinding;
  let confirm: ConfirmBindingBySms;
  let complete: CompleteDeviceBinding;
  let refresh: RefreshSession;
  let feed: ListBindingRevocations;

  beforeAll(async () => {
    database = await createMigratedTestDatabase('identity_bindings', identitySchema(protection));
    dataSource = database.dataSource;
    clock = new FixedClock(new Date());
    const unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.IDENTITY));
    bindings = new TypeOrmDeviceBindingRepository(dataSource, protection.fields);
    const refreshTokens = new TypeOrmRefreshTokenRepository();
    const replays = new TypeOrmReplayGuard();
    counters = new TypeOrmAttemptCounterRepository(dataSource, protection.lookups);
    const limiter = new AttemptLimiter(counters);
    const secrets = new RandomSecretGenerator();
    const ids = new RandomIdGenerator();
    const users = new TypeOrmUserRepository(dataSource, protection.fields, protection.lookups);
    const policy = deviceBindingPolicy({
      SMS_VIRTUAL_NUMBER: VIRTUAL,
      DEVICE_BINDING_TTL_SECONDS: 600,
      REFRESH_TOKEN_TTL_SECONDS: 86_400,
      BIND_REQUESTS_PER_PHONE_PER_HOUR: 5,
      BIND_REQUESTS_PER_DEVICE_PER_HOUR: 10,
      BINDING_COMPLETION_ATTEMPTS: 5,
    });
    const tokens = testTokenIssuer();
    request = new RequestDeviceBinding(unitOfWork, bindings, limiter, secrets, clock, ids, policy);
    confirm = new ConfirmBindingBySms(unitOfWork, bindings, replays, clock, policy);
    complete = new CompleteDeviceBinding(unitOfWork, bindings, refreshTokens, replays, users, limiter, secrets, tokens, clock, ids, policy, new CreateDefaultPaymentAddress(new TypeOrmPaymentAddressRepository(dataSource), clock, ids));
    refresh = new RefreshSession(unitOfWork, bindings, refreshTokens, replays, secrets, tokens, clock, ids, policy);
    feed = new ListBindingRevocations(bindings, clock);
  });

  afterAll(async () => {
    await database?.close();
  });

  const proof = (device: Awaited<ReturnType<typeof aDevice>>, bindingId: string, purpose: string = DEVICE_PROOF_PURPOSES.COMPLETE_BINDING, claims: Record<string, string> = {}) =>
    new SignJWT({ purpose, ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: DEVICE_PROOF_TYPE })
      .setAudience(DEVICE_PROOF_AUDIENCE)
      .setSubject(bindingId)
      .setIssuedAt(Math.floor(clock.now().getTime() / 1000))
      .setJti(randomUUID())
      .sign(device.privateKey);

  async function bind(phone: string) {
    const device = await aDevice(phone);
    const started = await request.execute({ phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });
    if (!started.ok) throw new Error(started.code);
    const sms = { messageId: randomUUID(), from: phone, to: VIRTUAL, text: started.bindingToken, receivedAt: clock.now().toISOString() };
    const confirmed = await confirm.execute({ webhookId: `msg_${randomUUID()}`, sms });
    if (!confirmed.ok) throw new Error(confirmed.code);
    const done = await complete.execute({ bindingId: started.bindingId, proof: await proof(device, started.bindingId), displayName: 'Asha' });
    if (!done.ok) throw new Error(done.code);
    return { device, started, done };
  }

  it('binds a device end to end, storing the binding token and refresh token only as hashes', async () => {
    const phone = uniquePhone();
    const { started, done } = await bind(phone);

    const rows: { token_hash: string; status: string; user_id: string }[] = await dataSource.query('SELECT token_hash, status, user_id FROM device_bindings WHERE id = $1', [started.bindingId]);
    expect(rows[0]).toMatchObject({ status: 'active', user_id: done.userId });
    const dump = JSON.stringify(await dataSource.query('SELECT * FROM device_bindings')) + JSON.stringify(await dataSource.query('SELECT * FROM refresh_tokens'));
    expect(dump).not.toContain(started.bindingToken);
    expect(dump).not.toContain(done.refreshToken);
    expect(await bindings.isActive(started.bindingId)).toBe(true);
  });

  it('lets exactly one of two concurrent deliveries of one SMS (two webhook-ids) confirm the binding', async () => {
    const phone = uniquePhone();
    const device = await aDevice(phone);
    const started = await request.execute({ phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });
    if (!started.ok) throw new Error(started.code);
    const sms = { messageId: randomUUID(), from: phone, to: VIRTUAL, text: started.bindingToken, receivedAt: clock.now().toISOString() };

    const results = await Promise.all([confirm.execute({ webhookId: `msg_${randomUUID()}`, sms }), confirm.execute({ webhookId: `msg_${randomUUID()}`, sms })]);

    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, code: 'binding-token-invalid' }]);
  });

  it('refuses an expired token without writing anything', async () => {
    const phone = uniquePhone();
    const device = await aDevice(phone);
    const started = await request.execute({ phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });
    if (!started.ok) throw new Error(started.code);
    const later = new FixedClock(new Date(started.expiresAt.getTime() + 1));
    const lateConfirm = new ConfirmBindingBySms(new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.IDENTITY)), bindings, new TypeOrmReplayGuard(), later, deviceBindingPolicy({
      SMS_VIRTUAL_NUMBER: VIRTUAL, DEVICE_BINDING_TTL_SECONDS: 600, REFRESH_TOKEN_TTL_SECONDS: 86_400, BIND_REQUESTS_PER_PHONE_PER_HOUR: 5, BIND_REQUESTS_PER_DEVICE_PER_HOUR: 10, BINDING_COMPLETION_ATTEMPTS: 5,
    }));
    const webhookId = `msg_${randomUUID()}`;

    const result = await lateConfirm.execute({ webhookId, sms: { messageId: 'm', from: phone, to: VIRTUAL, text: started.bindingToken, receivedAt: later.now().toISOString() } });

    expect(result).toEqual({ ok: false, code: 'binding-token-invalid' });
    expect(await dataSource.query('SELECT 1 FROM sms_webhook_receipts WHERE webhook_id = $1', [webhookId])).toEqual([]);
    expect((await bindings.findById(started.bindingId))?.status).toBe('pending');
  });

  it('revokes the old device on a new binding, in the feed in order, with its refresh tokens', async () => {
    const phone = uniquePhone();
    const first = await bind(phone);
    const cursor = (await feed.execute({ after: null, limit: 1000 })).cursor;
    const second = await bind(phone);
    const third = await bind(phone);

    expect(second.done.revokedBindingIds).toEqual([first.started.bindingId]);
    const page = await feed.execute({ after: cursor, limit: 1000 });
    expect(page.revocations.map((entry) => entry.bindingId)).toEqual([first.started.bindingId, second.started.bindingId]);
    expect((await feed.execute({ after: page.cursor, limit: 1000 })).revocations).toEqual([]);
    const statuses: { status: string }[] = await dataSource.query('SELECT status FROM refresh_tokens WHERE binding_id = $1', [first.started.bindingId]);
    expect(statuses.map((row) => row.status)).toEqual(['revoked']);
    expect(await bindings.isActive(third.started.bindingId)).toBe(true);
    expect(await bindings.isActive(first.started.bindingId)).toBe(false);
  });

  it('rotates refresh tokens and revokes the binding on reuse, committed', async () => {
    const phone = uniquePhone();
    const { device, started, done } = await bind(phone);
    const rth = (token: string): string => createHash('sha256').update(token).digest('base64url');
    const next = await refresh.execute({ refreshToken: done.refreshToken, proof: await proof(device, started.bindingId, DEVICE_PROOF_PURPOSES.REFRESH, { rth: rth(done.refreshToken) }) });
    expect(next.ok).toBe(true);

    const reuse = await refresh.execute({ refreshToken: done.refreshToken, proof: await proof(device, started.bindingId, DEVICE_PROOF_PURPOSES.REFRESH, { rth: rth(done.refreshToken) }) });

    expect(reuse).toEqual({ ok: false, code: 'refresh-token-reused', revokedBindingId: started.bindingId });
    expect(await bindings.isActive(started.bindingId)).toBe(false);
  });

  it('counts attempts across concurrent callers exactly, keyed by a hash of the subject', async () => {
    const start = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const end = new Date(start.getTime() + 3_600_000);
    const phone = uniquePhone();

    const counts = await Promise.all(Array.from({ length: 20 }, () => counters.increment(`bind-per-phone:${phone}`, start, end)));

    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(JSON.stringify(await dataSource.query('SELECT bucket FROM attempt_counters'))).not.toContain(phone.slice(1));
  });
});
