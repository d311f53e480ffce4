import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { EVENT_SOURCES } from '@kirim/contracts';
import { OutboxWriter, TransactionRunner, UnitOfWork } from '@kirim/messaging';
import { Clock, createLoggingModule, createServiceApp, FieldEncryption, IdGenerator, JWT_ALGORITHM, JWT_ISSUER, LookupHasher, ServiceAuthModule, TimeModule, typeOrmOptions } from '@kirim/platform';
import { createTestDatabase, TestDatabase, testDataProtection, uniquePhone } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { LinkedBankAccountRepository } from '../bank-accounts/linked-bank-account.repository';
import { TypeOrmLinkedBankAccountRepository } from '../bank-accounts/typeorm-linked-bank-account.repository';
import { identityDataSourceInput } from '../identity.persistence';
import { PAYEE_LOOKUP_BUCKET_POLICY, PIX_DICT_BUCKET_DEFAULTS } from '../payees/payee-lookup-bucket';
import { PayeeLookupBucketRepository } from '../payees/payee-lookup-bucket.repository';
import { TypeOrmPayeeLookupBucketRepository } from '../payees/typeorm-payee-lookup-bucket.repository';
import { PaymentPartiesController } from '../payment-parties/payment-parties.controller';
import { PaymentPartyReader } from '../payment-parties/payment-party-reader';
import { ResolvePaymentParties } from '../payment-parties/resolve-payment-parties/resolve-payment-parties.use-case';
import { TypeOrmPaymentPartyReader } from '../payment-parties/typeorm-payment-party-reader';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { UserRepository } from '../users/user.repository';
import { AddPaymentAddress } from './add-payment-address/add-payment-address.use-case';
import { MerchantAddressesController } from './merchant-addresses.controller';
import { PaymentAddressPolicy } from './payment-address-policy';
import { PaymentAddressRepository } from './payment-address.repository';
import { ReserveMerchantAddress } from './reserve-merchant-address/reserve-merchant-address.use-case';
import { TypeOrmPaymentAddressRepository } from './typeorm-payment-address.repository';

/*
 * INTERNAL_OPERATIONS.RESERVE_MERCHANT_ADDRESS over HTTP against real PostgreSQL and identity's real
 * migrations: payments' service token only; a merchant's handle is held for it, idempotently per
 * merchant; the same unique indexes then refuse a user (or another merchant) the handle and its
 * look-alikes, whichever replica inserts first; and resolve-payment-parties refuses the address as a
 * merchant's instead of resolving its owner as a person. resolve-payment-parties-batch, which payments
 * sends when lookups wait on its other calls, answers each lookup as the single operation does.
 */

const RESERVE_PATH = '/internal/v1/merchant-addresses';
let database: TestDatabase;
let app: INestApplication;
let baseUrl: string;
let dataSource: DataSource;
let users: TypeOrmUserRepository;
let unitOfWork: TransactionRunner;
let addUserAddress: AddPaymentAddress;
let reserveDirectly: ReserveMerchantAddress;
const tokens: Record<'payments' | 'notifications' | 'user', string> = { payments: '', notifications: '', user: '' };

interface Answer {
  readonly status: number;
  readonly body: { merchantId?: string; ownerUserId?: string; address?: string; code?: string; detail?: string };
}

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  database = await createTestDatabase('identity_merchant_addresses');
  const protection = testDataProtection();
  const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM);
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'it', alg: JWT_ALGORITHM }] });
  const sign = (claims: Record<string, unknown>, subject: string, audience: string | string[]) =>
    new SignJWT(claims).setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'it' }).setIssuer(JWT_ISSUER).setAudience(audience).setJti(randomUUID()).setSubject(subject).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  tokens.payments = await sign({ client_id: 'payments' }, 'payments', 'identity');
  // notifications may hold a token for identity (it reads the revocation feed), but may not reserve addresses.
  tokens.notifications = await sign({ client_id: 'notifications' }, 'notifications', 'identity');
  tokens.user = await sign({}, randomUUID(), ['identity', 'payments']);

  @Module({
    imports: [
      createLoggingModule('identity-it'),
      TypeOrmModule.forRoot(typeOrmOptions(identityDataSourceInput(database.url, protection))),
      ServiceAuthModule.forRoot({ self: 'identity', keyResolver: keys }),
      TimeModule,
    ],
    controllers: [MerchantAddressesController, PaymentPartiesController],
    providers: [
      ReserveMerchantAddress,
      ResolvePaymentParties,
      { provide: PaymentPartyReader, useClass: TypeOrmPaymentPartyReader },
      { provide: FieldEncryption, useValue: protection.fields },
      { provide: LookupHasher, useValue: protection.lookups },
      { provide: UserRepository, useClass: TypeOrmUserRepository },
      { provide: LinkedBankAccountRepository, useClass: TypeOrmLinkedBankAccountRepository },
      { provide: PaymentAddressRepository, useClass: TypeOrmPaymentAddressRepository },
      { provide: PayeeLookupBucketRepository, useClass: TypeOrmPayeeLookupBucketRepository },
      { provide: PAYEE_LOOKUP_BUCKET_POLICY, useValue: PIX_DICT_BUCKET_DEFAULTS },
      { provide: TransactionRunner, inject: [DataSource], useFactory: (source: DataSource) => new UnitOfWork(source, new OutboxWriter(EVENT_SOURCES.IDENTITY)) },
    ],
  })
  class MerchantAddressesTestModule {}
  app = await createServiceApp(MerchantAddressesTestModule, { serviceName: 'identity-it', openApi: { title: 'it', description: 'it' } });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  dataSource = app.get(DataSource);
  users = app.get(UserRepository);
  unitOfWork = app.get(TransactionRunner);
  reserveDirectly = app.get(ReserveMerchantAddress);
  // A user adding an address as the public endpoint does, on the same database (its controller needs user auth, not tested here).
  addUserAddress = new AddPaymentAddress(unitOfWork, users, app.get(PaymentAddressRepository), new PaymentAddressPolicy(5), app.get(Clock), app.get(IdGenerator));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

beforeEach(async () => {
  await dataSource.query('TRUNCATE payee_lookup_buckets, payment_addresses, linked_bank_accounts, users, outbox_messages CASCADE');
});

async function aUser(): Promise<string> {
  const id = randomUUID();
  await unitOfWork.run((tx) => users.insertIfPhoneFree(tx, { id, phone: uniquePhone(), displayName: 'Merchant IT', createdAt: new Date() }));
  return id;
}

async function reserve(body: object, token = tokens.payments): Promise<Answer> {
  const response = await fetch(`${baseUrl}${RESERVE_PATH}`, { method: 'POST', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function resolveParties(payerUserId: string, payeeAddress: string): Promise<Answer> {
  const query = new URLSearchParams({ payerUserId, payeeAddress });
  const response = await fetch(`${baseUrl}/internal/v1/payment-parties?${query.toString()}`, { headers: { authorization: `Bearer ${tokens.payments}` } });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const merchantRows = async (): Promise<Array<{ handle: string; user_id: string; merchant_id: string }>> =>
  dataSource.query(`SELECT handle, user_id, merchant_id FROM payment_addresses WHERE merchant_id IS NOT NULL ORDER BY handle`);

describe('reserve-merchant-address (payments → identity, PostgreSQL)', () => {
  it('holds a fresh handle for the merchant (201), and answers the same merchant, owner and handle again with it (200)', async () => {
    const owner = await aUser();
    const merchantId = randomUUID();

    const first = await reserve({ ownerUserId: owner, merchantId, handle: 'chai.point' });
    const again = await reserve({ ownerUserId: owner, merchantId, handle: 'chai.point' });

    expect(first).toEqual({ status: 201, body: { merchantId, ownerUserId: owner, address: 'chai.point@kirim' } });
    expect(again).toEqual({ status: 200, body: first.body });
    expect(await merchantRows()).toEqual([{ handle: 'chai.point', user_id: owner, merchant_id: merchantId }]);
  });

  it('answers a retry racing its original once each, with one row (the owner lock orders them)', async () => {
    const owner = await aUser();
    const merchantId = randomUUID();

    const answers = await Promise.all(Array.from({ length: 5 }, () => reserve({ ownerUserId: owner, merchantId, handle: 'chai.point' })));

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(await merchantRows()).toHaveLength(1);
  });

  it('refuses the handle to another merchant as taken, and a look-alike as confusable, with the problems users get', async () => {
    const [asha, ravi] = [await aUser(), await aUser()];
    await reserve({ ownerUserId: asha, merchantId: randomUUID(), handle: 'chai.point' });

    const taken = await reserve({ ownerUserId: ravi, merchantId: randomUUID(), handle: 'chai.point' });
    const lookAlike = await reserve({ ownerUserId: ravi, merchantId: randomUUID(), handle: 'cha1-point' });
    const reserved = await reserve({ ownerUserId: ravi, merchantId: randomUUID(), handle: 'kirim.support' });
    const malformed = await reserve({ ownerUserId: ravi, merchantId: randomUUID(), handle: 'Chai Point' });

    expect([taken.status, taken.body.code]).toEqual([409, 'payment-address-taken']);
    expect([lookAlike.status, lookAlike.body.code]).toEqual([409, 'payment-address-confusable']);
    expect([reserved.status, reserved.body.code]).toEqual([422, 'payment-address-reserved']);
    expect([malformed.status, malformed.body.code]).toEqual([400, 'validation-failed']);
    expect((await merchantRows()).map((row) => row.user_id)).toEqual([asha]);
  });

  it("refuses a user's handle (the owner's own included) and an owner who does not exist", async () => {
    const [asha, ravi] = [await aUser(), await aUser()];
    expect(await addUserAddress.execute({ userId: ravi, handle: 'ravi.s' })).toMatchObject({ ok: true, created: true });
    expect(await addUserAddress.execute({ userId: asha, handle: 'asha.k' })).toMatchObject({ ok: true, created: true });

    expect((await reserve({ ownerUserId: asha, merchantId: randomUUID(), handle: 'ravi.s' })).body.code).toBe('payment-address-taken');
    expect((await reserve({ ownerUserId: asha, merchantId: randomUUID(), handle: 'asha.k' })).body.code).toBe('payment-address-taken');
    expect((await reserve({ ownerUserId: asha, merchantId: randomUUID(), handle: 'rav1.s' })).body.code).toBe('payment-address-confusable');
    const ghost = await reserve({ ownerUserId: randomUUID(), merchantId: randomUUID(), handle: 'ghost.shop' });
    expect([ghost.status, ghost.body.code]).toEqual([422, 'validation-failed']);
    expect(await merchantRows()).toEqual([]);
  });

  it('is refused to every caller but payments: 403 for notifications and for a user token, 401 without a token; nothing stored', async () => {
    const owner = await aUser();
    const body = { ownerUserId: owner, merchantId: randomUUID(), handle: 'chai.point' };

    expect([(await reserve(body, tokens.notifications)).body.code, (await reserve(body, tokens.user)).body.code, (await reserve(body, '')).body.code]).toEqual([
      'forbidden',
      'forbidden',
      'unauthenticated',
    ]);
    expect((await reserve(body, tokens.notifications)).status).toBe(403);
    expect(await merchantRows()).toEqual([]);
  });

  it('lets no user take a reserved handle or a look-alike of it afterwards, its owner included; their own addresses are untouched', async () => {
    const [owner, someone] = [await aUser(), await aUser()];
    await reserve({ ownerUserId: owner, merchantId: randomUUID(), handle: 'chai.point' });

    expect(await addUserAddress.execute({ userId: someone, handle: 'chai.point' })).toEqual({ ok: false, code: 'taken' });
    expect(await addUserAddress.execute({ userId: someone, handle: 'cha1_point' })).toEqual({ ok: false, code: 'confusable' });
    expect(await addUserAddress.execute({ userId: owner, handle: 'CHAI.POINT@kirim' })).toEqual({ ok: false, code: 'taken' });
    // The merchant's address is not the owner's: their list, and their limit, do not see it.
    expect(await app.get(PaymentAddressRepository).listByUser(owner)).toEqual([]);
    expect(await addUserAddress.execute({ userId: owner, handle: 'owner.own' })).toMatchObject({ ok: true, address: { isPrimary: true, merchantId: null } });
  });

  it('lets exactly one of a user and a merchant racing for look-alikes win, on separate connections', async () => {
    for (let round = 0; round < 5; round += 1) {
      await dataSource.query('TRUNCATE payment_addresses, users CASCADE');
      const [owner, someone] = [await aUser(), await aUser()];

      const [merchant, user] = await Promise.all([
        reserveDirectly.execute({ ownerUserId: owner, merchantId: randomUUID(), handle: 'asha.shop' }),
        addUserAddress.execute({ userId: someone, handle: 'a5ha.shop' }),
      ]);

      expect([merchant.ok, user.ok].filter(Boolean)).toHaveLength(1);
      expect(Number((await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM payment_addresses`))[0].n)).toBe(1);
    }
  });

  it('keeps the database from making a merchant address primary or default, or giving a merchant a second one', async () => {
    const owner = await aUser();
    const merchantId = randomUUID();
    await reserve({ ownerUserId: owner, merchantId, handle: 'chai.point' });

    await expect(dataSource.query(`UPDATE payment_addresses SET is_primary = true WHERE merchant_id = $1`, [merchantId])).rejects.toThrow(/merchant_not_personal/);
    await expect(
      dataSource.query(`INSERT INTO payment_addresses (id, user_id, handle, skeleton, is_primary, is_default, merchant_id, created_at) VALUES ($1, $2, 'other.shop', 'othen.shop', false, false, $3, now())`, [randomUUID(), owner, merchantId]),
    ).rejects.toThrow(/one_per_merchant/);
  });
});

describe("resolve-payment-parties for a merchant's address", () => {
  it('refuses it as payee-is-merchant (422) instead of resolving its owner, for a customer and for the owner', async () => {
    const [owner, customer] = [await aUser(), await aUser()];
    await reserve({ ownerUserId: owner, merchantId: randomUUID(), handle: 'chai.point' });

    const byCustomer = await resolveParties(customer, 'Chai.Point@kirim');
    const byOwner = await resolveParties(owner, 'chai.point@kirim');

    expect([byCustomer.status, byCustomer.body.code]).toEqual([422, 'payee-is-merchant']);
    expect(byCustomer.body.detail).toMatch(/order or collect request/);
    expect([byOwner.status, byOwner.body.code]).toEqual([422, 'payee-is-merchant']);
    // An address nobody holds is still "not found", so the two are told apart.
    expect([(await resolveParties(customer, 'nobody.here@kirim')).status]).toEqual([404]);
  });
});

describe('resolve-payment-parties-batch (payments → identity, PostgreSQL)', () => {
  const BATCH_PATH = '/internal/v1/payment-party-resolutions';

  async function resolveMany(body: unknown, token = tokens.payments): Promise<{ status: number; body: { results?: unknown[]; code?: string; errors?: string[] } }> {
    const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' };
    const response = await fetch(`${baseUrl}${BATCH_PATH}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { results?: unknown[] } };
  }

  async function withPrimaryAccount(userId: string, bankCode: string): Promise<string> {
    const accountRef = randomUUID();
    await dataSource.query(
      `INSERT INTO linked_bank_accounts (id, user_id, bank_code, account_ref, masked_account_number, is_primary, linked_at) VALUES ($1, $2, $3, $4, 'XXXXXX1234', true, now())`,
      [randomUUID(), userId, bankCode, accountRef],
    );
    return accountRef;
  }

  it('answers each lookup in the order asked, with the parties or the problem the single operation gives it', async () => {
    const [payer, payee, owner] = [await aUser(), await aUser(), await aUser()];
    const payerAccount = await withPrimaryAccount(payer, 'SBXA');
    const payeeAccount = await withPrimaryAccount(payee, 'SBXB');
    expect(await addUserAddress.execute({ userId: payee, handle: 'batch.payee' })).toMatchObject({ ok: true });
    await reserve({ ownerUserId: owner, merchantId: randomUUID(), handle: 'batch.shop' });

    const answer = await resolveMany({
      items: [
        { payerUserId: payer, payeeAddress: 'batch.payee@kirim' },
        { payerUserId: payer, payeeAddress: 'nobody.here@kirim' },
        { payerUserId: payer, payeeAddress: 'batch.shop@kirim' },
        { payerUserId: payer, payeeAddress: 'batch.payee@kirim', payeePhone: '+919876543210' },
        { payerUserId: payee, payeeAddress: 'batch.payee@kirim' },
        { payerUserId: payer, payeeAddress: null },
      ],
    });

    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      {
        parties: {
          payer: { userId: payer, bankCode: 'SBXA', accountRef: payerAccount },
          payee: { userId: payee, bankCode: 'SBXB', accountRef: payeeAccount, displayName: 'Merchant IT' },
        },
      },
      { problem: { status: 404, code: 'payee-not-found', detail: 'No user is registered with this phone number or address.', resultCode: 'ZH' } },
      { problem: { status: 422, code: 'payee-is-merchant', detail: expect.stringMatching(/order or collect request/) } },
      { problem: { status: 400, code: 'validation-failed', detail: 'Give exactly one of payeePhone and payeeAddress.' } },
      { problem: { status: 422, code: 'self-payment', detail: 'The payer and the payee are the same user.' } },
      { problem: { status: 400, code: 'validation-failed', detail: 'Give exactly one of payeePhone and payeeAddress.' } },
    ]);
    // Each lookup drew on its payer's anti-scan bucket as a single call does: the payer two hits and a
    // miss (the merchant's address is a hit, the lookup naming both is refused before the bucket), the
    // payee one hit (a lookup naming nobody takes nothing); what refilled during the test (2 a minute) is far below one token.
    const { capacity, hitCost, missCost } = PIX_DICT_BUCKET_DEFAULTS;
    const levels = new Map<string, number>(
      (await dataSource.query('SELECT user_id, tokens FROM payee_lookup_buckets')).map((row: { user_id: string; tokens: number }) => [row.user_id, Number(row.tokens)]),
    );
    expect(Math.floor(levels.get(payer) ?? Number.NaN)).toBe(capacity - 2 * hitCost - missCost);
    expect(Math.floor(levels.get(payee) ?? Number.NaN)).toBe(capacity - hitCost);
    expect(levels.size).toBe(2);
  });

  it('refuses another service, a malformed lookup, and more than 64 lookups, resolving none of them', async () => {
    const payer = await aUser();
    const lookup = { payerUserId: payer, payeeAddress: 'nobody.here@kirim' };

    expect((await resolveMany({ items: [lookup] }, tokens.notifications)).status).toBe(403);
    expect((await resolveMany({ items: [lookup] }, tokens.user)).status).toBe(403);
    expect((await resolveMany({ items: [lookup] }, '')).status).toBe(401);
    const malformed = await resolveMany({ items: [lookup, { payerUserId: 'not-a-uuid', payeePhone: '98765' }] });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'validation-failed']);
    expect(malformed.body.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^items\.1\.payerUserId: /), expect.stringMatching(/^items\.1\.payeePhone: /)]));
    expect((await resolveMany({ items: Array.from({ length: 65 }, () => lookup) })).status).toBe(400);
    expect((await resolveMany({ items: [] })).status).toBe(400);
    expect((await resolveMany({ lookups: [lookup] })).status).toBe(400);
    expect(await dataSource.query('SELECT user_id FROM payee_lookup_buckets')).toEqual([]);
  });
});
