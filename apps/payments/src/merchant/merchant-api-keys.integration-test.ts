/**
 * Merchant API keys against real PostgreSQL: what is stored is a digest and a lookup prefix, never
 * the key; concurrent requests for a key never make a third active one; rotation and revocation
 * take effect on the next authentication; merchants' unique owner, handle and look-alike handle hold.
 * Onboarding writes its merchant and its `payments.merchant.onboarded.v1` outbox row together, once.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_SOURCES, EVENT_TYPES, PROBLEM_CODES, TOPICS } from '@kirim/contracts';
import { MESSAGING_ENTITIES, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { RandomIdGenerator, SystemClock } from '@kirim/platform';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { InMemoryMerchantAddressRegistry } from '../testing/in-memory-merchant-addresses';
import { sampleMerchant } from '../testing/merchant-fakes';
import { FakePartyDirectory, UPI_PROFILE } from '../testing/payment-fakes';
import { AuthenticateMerchantApiKeyUseCase } from './authenticate-merchant-api-key/authenticate-merchant-api-key.use-case';
import { CreateMerchantApiKeyOutcome, CreateMerchantApiKeyUseCase } from './create-merchant-api-key/create-merchant-api-key.use-case';
import { merchantIdFor } from './merchant-id';
import { merchantKeyDigest, RandomMerchantApiKeySource } from './merchant-api-key';
import { OnboardMerchantCommand, OnboardMerchantUseCase } from './onboard-merchant/onboard-merchant.use-case';
import { RevokeMerchantApiKeyUseCase } from './revoke-merchant-api-key/revoke-merchant-api-key.use-case';
import { TypeOrmMerchantRepository } from './typeorm-merchant.repository';

describe('merchant API keys (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let merchants: TypeOrmMerchantRepository;
  let create: CreateMerchantApiKeyUseCase;
  let revoke: RevokeMerchantApiKeyUseCase;
  let authenticate: AuthenticateMerchantApiKeyUseCase;
  let unitOfWork: UnitOfWork;
  const merchant = sampleMerchant();
  const owner = { ownerUserId: merchant.ownerUserId, merchantId: merchant.id };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase('merchant_keys', { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS }, { poolSize: 16 });
    dataSource = database.dataSource;
    merchants = new TypeOrmMerchantRepository(dataSource);
    const clock = new SystemClock();
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS));
    create = new CreateMerchantApiKeyUseCase(unitOfWork, merchants, new RandomMerchantApiKeySource(), clock, new RandomIdGenerator());
    revoke = new RevokeMerchantApiKeyUseCase(merchants, clock);
    authenticate = new AuthenticateMerchantApiKeyUseCase(merchants);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    // CASCADE: later features' tables (collect requests) refer to merchants too.
    await dataSource.query('TRUNCATE outbox_messages, merchant_refunds, merchant_orders, merchant_api_keys, merchants CASCADE');
    expect(await merchants.insert(merchant)).toEqual({ inserted: true });
  });

  function made(outcome: CreateMerchantApiKeyOutcome): { apiKey: string; keyId: string } {
    if (!outcome.ok) throw new Error(outcome.detail);
    return { apiKey: outcome.apiKey, keyId: outcome.record.id };
  }

  it('stores the SHA-256 and the lookup prefix only, and finds the merchant by the key', async () => {
    const { apiKey } = made(await create.execute(owner));
    const rows = (await dataSource.query(`SELECT lookup_prefix, digest FROM merchant_api_keys`)) as Array<{ lookup_prefix: string; digest: string }>;
    expect(rows).toEqual([{ lookup_prefix: apiKey.slice(4, 16), digest: merchantKeyDigest(apiKey) }]);
    const everything = JSON.stringify(await dataSource.query(`SELECT * FROM merchant_api_keys`));
    expect(everything).not.toContain(apiKey.slice(16));
    expect(await authenticate.execute(apiKey)).toMatchObject({ id: merchant.id, handle: merchant.handle, createdAt: merchant.createdAt });
  });

  it('never makes a third active key, however many requests race for one', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => create.execute(owner)));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(2);
    expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => !outcome.ok && outcome.code)).toEqual(Array(6).fill('merchant-api-key-limit'));
  });

  it('rotates: a new key works beside the old one, and the old one stops working once revoked', async () => {
    const old = made(await create.execute(owner));
    const next = made(await create.execute(owner));
    expect(await authenticate.execute(old.apiKey)).not.toBeNull();
    expect(await authenticate.execute(next.apiKey)).not.toBeNull();
    expect(await revoke.execute({ ...owner, keyId: old.keyId })).toEqual({ ok: true });
    expect(await authenticate.execute(old.apiKey)).toBeNull();
    expect(await authenticate.execute(next.apiKey)).toMatchObject({ id: merchant.id });
    // A key of the right shape with the prefix of a live key but another rest is refused.
    expect(await authenticate.execute(`${next.apiKey.slice(0, 16)}${'x'.repeat(31)}`)).toBeNull();
  });

  it('refuses a second merchant for one owner, a taken handle and a look-alike of one, naming which', async () => {
    const other = { ...sampleMerchant({ id: 'a2a2a2a2-a2a2-4a2a-8a2a-a2a2a2a2a2a2', ownerUserId: 'b2b2b2b2-b2b2-4b2b-8b2b-b2b2b2b2b2b2' }) };
    expect(await merchants.insert({ ...other, ownerUserId: merchant.ownerUserId, handle: 'other', handleSkeleton: 'other' })).toEqual({ inserted: false, conflict: 'owner' });
    expect(await merchants.insert({ ...other, handleSkeleton: 'unique' })).toEqual({ inserted: false, conflict: 'handle' });
    expect(await merchants.insert({ ...other, handle: 'chai-p0int' })).toEqual({ inserted: false, conflict: 'skeleton' });
    expect(await merchants.insert({ ...other, handle: 'tea.house', handleSkeleton: 'tea.house' })).toEqual({ inserted: true });
  });

  it('answers the same merchant id twice (one owner onboarding twice at once: ids derive from owner and handle) as the owner onboarded, not an error', async () => {
    const twin = sampleMerchant({ id: 'a3a3a3a3-a3a3-5a3a-8a3a-a3a3a3a3a3a3', ownerUserId: 'b3b3b3b3-b3b3-4b3b-8b3b-b3b3b3b3b3b3', handle: 'twin.shop', handleSkeleton: 'twln.shop' });
    const outcomes = await Promise.all([merchants.insert(twin), merchants.insert(twin)]);
    expect(outcomes).toEqual(expect.arrayContaining([{ inserted: true }, { inserted: false, conflict: 'owner' }]));
  });

  it("answers a conflict inside a caller's transaction and leaves that transaction usable (onboarding publishes in it)", async () => {
    const conflicting = sampleMerchant({ id: 'a4a4a4a4-a4a4-4a4a-8a4a-a4a4a4a4a4a4', handle: 'other', handleSkeleton: 'other' });
    const after = await unitOfWork.run(async (tx) => {
      expect(await merchants.insert(conflicting, tx)).toEqual({ inserted: false, conflict: 'owner' });
      return merchants.findById(merchant.id, tx);
    });
    expect(after).toMatchObject({ id: merchant.id });
  });

  describe('onboarding', () => {
    const command: OnboardMerchantCommand = { ownerUserId: 'c4c4c4c4-c4c4-4c4c-8c4c-c4c4c4c4c4c4', displayName: 'Tea Stall', categoryCode: '5812', handle: 'tea.stall', settlementAddress: 'stall.owner@kirim' };
    const merchantId = merchantIdFor(command.ownerUserId, 'tea.stall');

    /** identity as onboarding needs it: the settlement address is the owner's own ("self-payment"), and the handle is free. */
    function onboarding(): OnboardMerchantUseCase {
      const ownAddress = new FakePartyDirectory({ ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.SELF_PAYMENT, detail: 'The payer and the payee are the same user.' } });
      return new OnboardMerchantUseCase(unitOfWork, merchants, ownAddress, new InMemoryMerchantAddressRegistry(), new SystemClock(), UPI_PROFILE);
    }

    async function announcements(): Promise<Array<{ topic: string; record_key: string; type: string; source: string; data: object }>> {
      return dataSource.query(`SELECT topic, record_key, type, source, data FROM outbox_messages WHERE type = $1`, [EVENT_TYPES.MERCHANT_ONBOARDED]);
    }

    it('writes the merchant and its announcement in one transaction, and a repeat of the same onboarding announces nothing more', async () => {
      const onboard = onboarding();
      const outcome = await onboard.execute(command);
      if (!outcome.ok) throw new Error(outcome.detail);
      expect(await merchants.findById(merchantId)).toMatchObject({ ownerUserId: command.ownerUserId, handle: 'tea.stall' });
      expect(await announcements()).toEqual([
        {
          topic: TOPICS.PAYMENTS_EVENTS,
          record_key: merchantId,
          type: EVENT_TYPES.MERCHANT_ONBOARDED,
          source: EVENT_SOURCES.PAYMENTS,
          data: { merchantId, ownerUserId: command.ownerUserId, displayName: 'Tea Stall', onboardedAt: outcome.merchant.createdAt.toISOString() },
        },
      ]);

      expect(await onboard.execute(command)).toMatchObject({ ok: false, code: PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED });
      expect(await announcements()).toHaveLength(1);
    });

    it('announces one merchant when the same onboarding runs twice at once: the loser’s insert conflicts inside its transaction and commits nothing', async () => {
      const onboard = onboarding();
      const outcomes = await Promise.all([onboard.execute(command), onboard.execute(command)]);
      expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.code)).sort()).toEqual([PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED, 'ok'].sort());
      expect((await announcements()).map((row) => row.record_key)).toEqual([merchantId]);
    });

    it("announces nothing when payments' own constraints refuse the merchant", async () => {
      // The sample merchant (stored before each test) holds chai.point, unknown to this identity.
      expect(await onboarding().execute({ ...command, handle: 'chai.point' })).toMatchObject({ ok: false, code: PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN });
      expect(await announcements()).toEqual([]);
    });
  });
});
