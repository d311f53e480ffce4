import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { DEVICE_PROOF_AUDIENCE, DEVICE_PROOF_PURPOSES, DEVICE_PROOF_TYPE, EVENT_SOURCES } from '@kirim/contracts';
import { OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { countValuesByKeyId, FieldEncryption, LookupHasher, RandomIdGenerator, reencryptTable, typeOrmOptions } from '@kirim/platform';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase, uniquePhone } from '@kirim/testing';
import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { LinkBankAccount } from '../bank-accounts/link-bank-account/link-bank-account.use-case';
import { TypeOrmLinkedBankAccountRepository } from '../bank-accounts/typeorm-linked-bank-account.repository';
import { AttemptLimiter } from '../device-bindings/attempt-limits';
import { CompleteDeviceBinding } from '../device-bindings/complete-device-binding/complete-device-binding.use-case';
import { ConfirmBindingBySms } from '../device-bindings/confirm-binding-by-sms/confirm-binding-by-sms.use-case';
import { deviceBindingPolicy } from '../device-bindings/device-binding-policy';
import { RequestDeviceBinding } from '../device-bindings/request-device-binding/request-device-binding.use-case';
import { RandomSecretGenerator } from '../device-bindings/secret-generator';
import { TypeOrmAttemptCounterRepository, TypeOrmDeviceBindingRepository, TypeOrmRefreshTokenRepository, TypeOrmReplayGuard } from '../device-bindings/typeorm-device-binding.repository';
import { identitySchema } from '../identity.persistence';
import { CreateDefaultPaymentAddress } from '../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { TypeOrmPaymentAddressRepository } from '../payment-addresses/typeorm-payment-address.repository';
import { aDevice } from '../testing/device-binding-harness';
import { FakeBankAccountDirectory } from '../testing/in-memory-identity.fakes';
import { testTokenIssuer } from '../testing/test-token-issuer';
import { StartSession } from '../users/start-session/start-session.use-case';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { IDENTITY_ENCRYPTED_TABLES, IDENTITY_PURPOSES } from './identity-personal-data';
import { IDENTITY_MIGRATIONS } from './identity-migrations';

/*
 * identity's personal data at rest (docs/data-at-rest.md), against real PostgreSQL and the service's
 * migrations: what the tables hold after a device binding and a linked account, lookups by keyed
 * hash, the migration that converts clear rows, and key rotation by the re-encryption job.
 */

const VIRTUAL = '+919000000000';
const HOLDER = 'Asha Secret-Holder';
const K1 = randomBytes(32);
const K2 = randomBytes(32);
const lookups = LookupHasher.fromKey(randomBytes(32));
const underK1 = FieldEncryption.fromKeys(new Map([['k1', K1]]), 'k1');
const rotating = FieldEncryption.fromKeys(new Map([['k1', K1], ['k2', K2]]), 'k2');
const retired = FieldEncryption.fromKeys(new Map([['k2', K2]]), 'k2');

/** Every identity table a phone number or a holder name could have reached; payment_addresses is checked apart (the default handle is the national number, on purpose). */
const TABLES = ['users', 'device_bindings', 'refresh_tokens', 'device_binding_revocations', 'attempt_counters', 'sms_webhook_receipts', 'device_proof_jtis', 'linked_bank_accounts', 'payee_lookup_buckets', 'outbox_messages'];

let database: MigratedTestDatabase;
let dataSource: DataSource;
const clock = new FixedClock(new Date());
const ids = new RandomIdGenerator();
const directory = new FakeBankAccountDirectory();

beforeAll(async () => {
  database = await createMigratedTestDatabase('identity_encryption', identitySchema({ fields: underK1, lookups }), { poolSize: 6 });
  dataSource = database.dataSource;
}, 30_000);

afterAll(async () => {
  await database?.close();
});

/** The adapters with a given keyring (the lookup key never changes here). */
function adapters(fields: FieldEncryption, on: DataSource = dataSource) {
  return {
    users: new TypeOrmUserRepository(on, fields, lookups),
    bindings: new TypeOrmDeviceBindingRepository(on, fields),
    accounts: new TypeOrmLinkedBankAccountRepository(on, fields),
    counters: new TypeOrmAttemptCounterRepository(on, lookups),
  };
}

/** Signs in as a client does, by binding a device through the SMS webhook, and links an account, with the service's real adapters. */
async function signInAndLink(phone: string, fields: FieldEncryption = underK1) {
  const { users, bindings, accounts, counters } = adapters(fields);
  const unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.IDENTITY));
  const policy = deviceBindingPolicy({
    SMS_VIRTUAL_NUMBER: VIRTUAL,
    DEVICE_BINDING_TTL_SECONDS: 600,
    REFRESH_TOKEN_TTL_SECONDS: 86_400,
    BIND_REQUESTS_PER_PHONE_PER_HOUR: 5,
    BIND_REQUESTS_PER_DEVICE_PER_HOUR: 10,
    BINDING_COMPLETION_ATTEMPTS: 5,
  });
  const limiter = new AttemptLimiter(counters);
  const secrets = new RandomSecretGenerator();
  const replays = new TypeOrmReplayGuard();
  const request = new RequestDeviceBinding(unitOfWork, bindings, limiter, secrets, clock, ids, policy);
  const confirm = new ConfirmBindingBySms(unitOfWork, bindings, replays, clock, policy);
  const defaultAddress = new CreateDefaultPaymentAddress(new TypeOrmPaymentAddressRepository(dataSource), clock, ids);
  const complete = new CompleteDeviceBinding(unitOfWork, bindings, new TypeOrmRefreshTokenRepository(), replays, users, limiter, secrets, testTokenIssuer(), clock, ids, policy, defaultAddress);

  const device = await aDevice(phone);
  const started = await request.execute({ phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });
  if (!started.ok) throw new Error(started.code);
  const confirmed = await confirm.execute({
    webhookId: `msg_${randomUUID()}`,
    sms: { messageId: randomUUID(), from: phone, to: VIRTUAL, text: started.bindingToken, receivedAt: clock.now().toISOString() },
  });
  if (!confirmed.ok) throw new Error(confirmed.code);
  const proof = await new SignJWT({ purpose: DEVICE_PROOF_PURPOSES.COMPLETE_BINDING })
    .setProtectedHeader({ alg: 'ES256', typ: DEVICE_PROOF_TYPE })
    .setAudience(DEVICE_PROOF_AUDIENCE)
    .setSubject(started.bindingId)
    .setIssuedAt(Math.floor(clock.now().getTime() / 1000))
    .setJti(randomUUID())
    .sign(device.privateKey);
  const done = await complete.execute({ bindingId: started.bindingId, proof, displayName: 'Asha' });
  if (!done.ok) throw new Error(done.code);

  const accountRef = randomUUID();
  directory.accountsByMobile.set(phone, [{ accountRef, bankCode: 'SBXA', bankName: 'Sandbox Bank A', maskedAccountNumber: 'XXXXXXXX0001', holderName: HOLDER }]);
  const linked = await new LinkBankAccount(unitOfWork, users, accounts, directory, clock, ids).execute({ userId: done.userId, accountRef });
  if (!linked.ok) throw new Error(linked.code);
  return { userId: done.userId, bindingId: started.bindingId, linkedAccountId: linked.account.id };
}

const dump = async (tables: readonly string[], on: DataSource = dataSource): Promise<string> =>
  JSON.stringify(await Promise.all(tables.map((table) => on.query(`SELECT * FROM ${table}`))));

describe('identity personal data at rest (PostgreSQL)', () => {
  it('keeps no phone number or holder name in clear after a device binding and a linked account', async () => {
    const phone = uniquePhone();
    const { userId, bindingId } = await signInAndLink(phone);

    const text = await dump(TABLES);
    // The full number, the national digits, and the holder's name: none in any table but payment_addresses.
    for (const clear of [phone, phone.slice(3), HOLDER]) expect({ clear, found: text.includes(clear) }).toEqual({ clear, found: false });

    const [user] = await dataSource.query<Array<Record<string, string>>>(`SELECT * FROM users WHERE id = $1`, [userId]);
    expect(user['phone_encrypted']).toMatch(/^kf1\.k1\./);
    expect(user['phone_hash']).toBe(lookups.phoneNumber(phone));
    expect(Object.keys(user)).not.toContain('phone');
    const [binding] = await dataSource.query<Array<Record<string, string>>>(`SELECT * FROM device_bindings WHERE id = $1`, [bindingId]);
    expect(binding['phone_encrypted']).toMatch(/^kf1\.k1\./);
    const [account] = await dataSource.query<Array<Record<string, string>>>(`SELECT * FROM linked_bank_accounts WHERE user_id = $1`, [userId]);
    expect(account['holder_name_encrypted']).toMatch(/^kf1\.k1\./);
    // The attempt counters' buckets are keyed hashes, not SHA-256 of "bind-per-phone:<number>".
    const [counter] = await dataSource.query<Array<{ bucket: string }>>(`SELECT bucket FROM attempt_counters WHERE bucket = $1`, [lookups.opaqueKey('attempt-counter', `bind-per-phone:${phone}`)]);
    expect(counter?.bucket).toHaveLength(43);

    // The one place the national number is kept in clear: the default payment address, the public identifier payers type.
    const addresses = await dataSource.query<Array<{ handle: string }>>(`SELECT handle FROM payment_addresses WHERE user_id = $1`, [userId]);
    expect(addresses).toEqual([{ handle: phone.slice(3) }]);
  });

  it('reads the values back through the adapters, and finds a user by phone however the number is written', async () => {
    const phone = uniquePhone();
    const { userId, bindingId } = await signInAndLink(phone);
    const { users, bindings, accounts } = adapters(underK1);

    expect(await users.findById(userId)).toMatchObject({ id: userId, phone, displayName: 'Asha' });
    expect(await users.findByPhone(`${phone.slice(0, 3)} ${phone.slice(3, 8)}-${phone.slice(8)}`)).toMatchObject({ id: userId, phone });
    expect(await users.findByPhone('not a number')).toBeNull();
    expect(await users.findByPhone(uniquePhone())).toBeNull();
    expect((await bindings.findById(bindingId))?.phone).toBe(phone);
    expect(await accounts.listByUser(userId)).toEqual([expect.objectContaining({ holderName: HOLDER, maskedAccountNumber: 'XXXXXXXX0001', isPrimary: true })]);
    // The use cases see clear values: sandbox sign-in by phone finds the user through the hash.
    await expect(new StartSession(users, testTokenIssuer()).execute({ phone })).resolves.toMatchObject({ ok: true, userId });
  });

  it('keeps one user per number through the hash, and refuses clear text or another key in an encrypted column', async () => {
    const phone = uniquePhone();
    const { userId } = await signInAndLink(phone);
    const { users } = adapters(underK1);
    const unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.IDENTITY));

    await expect(unitOfWork.run((tx) => users.insertIfPhoneFree(tx, { id: randomUUID(), phone: `${phone.slice(0, 3)} ${phone.slice(3)}`, displayName: 'Impostor', createdAt: clock.now() }))).resolves.toBe(false);
    await expect(dataSource.query(`UPDATE users SET phone_encrypted = $2 WHERE id = $1`, [userId, phone])).rejects.toThrow(/users_phone_encrypted_format/);
    await expect(dataSource.query(`UPDATE linked_bank_accounts SET holder_name_encrypted = 'Asha' WHERE user_id = $1`, [userId])).rejects.toThrow(/holder_name_encrypted_format/);
    const stranger = FieldEncryption.fromKeys(new Map([['k1', randomBytes(32)]]), 'k1');
    await expect(adapters(stranger).users.findById(userId)).rejects.toThrow('cannot decrypt users.phone');
  });

  describe('rotation', () => {
    it('re-wraps every value of every table under the new key, is idempotent, and then the old key can go', async () => {
      const signedIn: Array<{ phone: string; userId: string; bindingId: string }> = [];
      for (const phone of Array.from({ length: 4 }, () => uniquePhone())) signedIn.push({ phone, ...(await signInAndLink(phone)) });
      for (const table of IDENTITY_ENCRYPTED_TABLES) expect([...(await countValuesByKeyId(dataSource, table)).keys()]).toEqual(['k1']);

      for (const table of IDENTITY_ENCRYPTED_TABLES) {
        // Two replicas running the job: SKIP LOCKED shares the rows out, none is done twice.
        const [a, b] = await Promise.all([reencryptTable(dataSource, rotating, table, { batchSize: 2 }), reencryptTable(dataSource, rotating, table, { batchSize: 2 })]);
        const [{ count }] = await dataSource.query<Array<{ count: string }>>(`SELECT COUNT(*)::text AS count FROM ${table.table} WHERE ${table.columns[0].column} IS NOT NULL`);
        expect({ table: table.table, rows: a.rows + b.rows }).toEqual({ table: table.table, rows: Number(count) });
        expect([...(await countValuesByKeyId(dataSource, table)).keys()]).toEqual(['k2']);
        await expect(reencryptTable(dataSource, rotating, table)).resolves.toMatchObject({ rows: 0, batches: 0 });
      }

      // k1 retired: everything still reads, and lookups by phone still work (the hashes are untouched).
      const { users, bindings, accounts } = adapters(retired);
      for (const entry of signedIn) {
        expect(await users.findByPhone(entry.phone)).toMatchObject({ id: entry.userId, phone: entry.phone });
        expect((await bindings.findById(entry.bindingId))?.phone).toBe(entry.phone);
        expect((await accounts.listByUser(entry.userId)).map((account) => account.holderName)).toEqual([HOLDER]);
      }
      // New values are written under the active key.
      const fresh = await signInAndLink(uniquePhone(), rotating);
      expect((await dataSource.query<Array<{ phone_encrypted: string }>>(`SELECT phone_encrypted FROM users WHERE id = $1`, [fresh.userId]))[0].phone_encrypted).toMatch(/^kf1\.k2\./);
    });
  });
});

describe('the migration that encrypts identity’s existing personal data (PostgreSQL)', () => {
  it('converts clear rows in place, drops the clear columns, and empties the unkeyed attempt counters', async () => {
    const before = await createMigratedTestDatabase('identity_encrypt_migration', { entities: [], migrations: IDENTITY_MIGRATIONS });
    try {
      const phone = uniquePhone();
      const other = uniquePhone();
      const [asha, ravi, bindingId] = [randomUUID(), randomUUID(), randomUUID()];
      await before.dataSource.query(`INSERT INTO users (id, phone, display_name) VALUES ($1, $2, 'Asha'), ($3, $4, 'Ravi')`, [asha, phone, ravi, other]);
      await before.dataSource.query(
        `INSERT INTO device_bindings (id, phone, device_id, device_key, device_key_thumbprint, token_hash, status, user_id, created_at, expires_at, bound_at)
         VALUES ($1, $2, 'device-1', '{"kty":"EC"}', $3, $4, 'active', $5, now(), now() + interval '10 minutes', now())`,
        [bindingId, phone, 'x'.repeat(43), 'a'.repeat(64), asha],
      );
      await before.dataSource.query(
        `INSERT INTO linked_bank_accounts (id, user_id, bank_code, account_ref, masked_account_number, is_primary, linked_at, holder_name, bank_name)
         VALUES ($1, $2, 'SBXA', $3, 'XXXXXXXX0001', true, now(), 'Chandra Clear', 'Sandbox Bank A'), ($4, $5, 'SBXB', $6, 'XXXXXXXX0002', true, now(), NULL, NULL)`,
        [randomUUID(), asha, randomUUID(), randomUUID(), ravi, randomUUID()],
      );
      await before.dataSource.query(`INSERT INTO attempt_counters (bucket, window_start, window_end, attempts) VALUES ($1, now(), now() + interval '1 hour', 3)`, ['b'.repeat(64)]);
      await before.dataSource.destroy();

      const after = new DataSource(typeOrmOptions({ url: before.database.url, ...identitySchema({ fields: underK1, lookups }), applicationName: 'kirim-identity-encrypt-migration-it' }));
      await after.initialize();
      try {
        const text = await dump(['users', 'device_bindings', 'linked_bank_accounts'], after);
        for (const clear of [phone, other, phone.slice(3), other.slice(3), 'Chandra Clear']) expect({ clear, found: text.includes(clear) }).toEqual({ clear, found: false });
        const { users, bindings, accounts } = adapters(underK1, after);
        expect(await users.findByPhone(phone)).toMatchObject({ id: asha, phone, displayName: 'Asha' });
        expect(await users.findByPhone(other)).toMatchObject({ id: ravi, phone: other });
        expect((await bindings.findById(bindingId))?.phone).toBe(phone);
        expect((await accounts.listByUser(asha)).map((account) => account.holderName)).toEqual(['Chandra Clear']);
        expect((await accounts.listByUser(ravi)).map((account) => account.holderName)).toEqual([null]);
        expect(await after.query(`SELECT column_name FROM information_schema.columns WHERE table_name IN ('users', 'device_bindings', 'linked_bank_accounts') AND column_name IN ('phone', 'holder_name')`)).toEqual([]);
        // The unkeyed SHA-256 counters cannot be converted; they are one-hour windows and are dropped.
        await expect(after.query(`SELECT COUNT(*)::int AS count FROM attempt_counters`)).resolves.toEqual([{ count: 0 }]);
        // The migration's purposes are the adapters'.
        const [row] = await after.query<Array<{ phone_encrypted: string }>>(`SELECT phone_encrypted FROM users WHERE id = $1`, [asha]);
        expect(underK1.decrypt(IDENTITY_PURPOSES.USER_PHONE, row.phone_encrypted)).toBe(phone);
      } finally {
        await after.destroy();
      }
    } finally {
      await before.database.drop();
    }
  });
});
