import { randomUUID } from 'node:crypto';
import { OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, MigratedTestDatabase, testDataProtection, uniquePhone } from '@kirim/testing';
import { DataSource } from 'typeorm';
import type { PaymentAddress } from '../payment-addresses/payment-address';
import { handleSkeleton } from '../payment-addresses/payment-handle-rules';
import { TypeOrmPaymentAddressRepository } from '../payment-addresses/typeorm-payment-address.repository';
import { identitySchema } from '../identity.persistence';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { EVENT_SOURCES } from '@kirim/contracts';
import { bucketLevelAt, PayeeLookupBucketPolicy, PIX_DICT_BUCKET_DEFAULTS } from './payee-lookup-bucket';
import { TypeOrmPayeeLookupBucketRepository } from './typeorm-payee-lookup-bucket.repository';

/*
 * The payment-address and payee-lookup-bucket adapters against real PostgreSQL with the real
 * migrations: the unique indexes decide races between replicas, and the bucket's single-statement
 * take never lets parallel lookups spend more than the bucket holds.
 */
describe('payment addresses and payee-lookup buckets (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let addresses: TypeOrmPaymentAddressRepository;
  let buckets: TypeOrmPayeeLookupBucketRepository;
  let unitOfWork: UnitOfWork;
  let userRepository: TypeOrmUserRepository;
  const protection = testDataProtection();

  beforeAll(async () => {
    database = await createMigratedTestDatabase('identity', identitySchema(protection));
    dataSource = database.dataSource;
    addresses = new TypeOrmPaymentAddressRepository(dataSource);
    buckets = new TypeOrmPayeeLookupBucketRepository(dataSource);
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.IDENTITY));
    userRepository = new TypeOrmUserRepository(dataSource, protection.fields, protection.lookups);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE payee_lookup_buckets, payment_addresses, linked_bank_accounts, users, outbox_messages CASCADE');
  });

  const aUserRow = async (): Promise<string> => {
    const id = randomUUID();
    await unitOfWork.run((tx) => userRepository.insertIfPhoneFree(tx, { id, phone: uniquePhone(), displayName: 'Test', createdAt: new Date() }));
    return id;
  };

  const anAddress = (userId: string, handle: string, isPrimary = false): PaymentAddress => ({ id: randomUUID(), userId, handle, isPrimary, isDefault: false, merchantId: null, createdAt: new Date() });

  const insert = (address: PaymentAddress) => unitOfWork.run((tx) => addresses.insertIfFree(tx, address, handleSkeleton(address.handle)));

  describe('addresses', () => {
    it('inserts, then answers a same handle as taken and a look-alike as skeleton-taken, without breaking the transaction', async () => {
      const asha = await aUserRow();
      const ravi = await aUserRow();
      expect(await insert(anAddress(asha, 'asha.k', true))).toBe('inserted');

      const outcomes = await unitOfWork.run(async (tx) => {
        const taken = await addresses.insertIfFree(tx, anAddress(ravi, 'asha.k'), handleSkeleton('asha.k'));
        const lookAlike = await addresses.insertIfFree(tx, anAddress(ravi, 'a5ha-k'), handleSkeleton('a5ha-k'));
        // The transaction is still usable after both refusals.
        const fine = await addresses.insertIfFree(tx, anAddress(ravi, 'ravi', true), handleSkeleton('ravi'));
        return [taken, lookAlike, fine];
      });

      expect(outcomes).toEqual(['handle-taken', 'skeleton-taken', 'inserted']);
      expect((await addresses.findByHandle('ASHA.K'))?.userId).toBe(asha);
      expect(await addresses.existsWithSkeleton(handleSkeleton('a5ha.k'))).toBe(true);
    });

    it('lets exactly one of many concurrent look-alike inserts win', async () => {
      const users = await Promise.all(Array.from({ length: 6 }, () => aUserRow()));
      const handles = ['asha', 'a5ha', 'asha', 'a5ha', 'a5ha', 'asha'];

      const outcomes = await Promise.all(users.map((userId, index) => insert(anAddress(userId, handles[index]))));

      expect(outcomes.filter((outcome) => outcome === 'inserted')).toHaveLength(1);
      expect(Number((await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM payment_addresses`))[0].n)).toBe(1);
    });

    it('keeps one primary per user when it moves, and lists primary first', async () => {
      const asha = await aUserRow();
      const first = anAddress(asha, 'asha.one', true);
      const second = anAddress(asha, 'asha.two');
      await insert(first);
      await insert(second);

      await unitOfWork.run((tx) => addresses.makePrimary(tx, asha, second.id));

      expect((await addresses.listByUser(asha)).map((address) => [address.handle, address.isPrimary])).toEqual([
        ['asha.two', true],
        ['asha.one', false],
      ]);
      expect((await addresses.findPrimary(asha))?.id).toBe(second.id);
      await expect(dataSource.query(`UPDATE payment_addresses SET is_primary = true WHERE id = $1`, [first.id])).rejects.toThrow(/one_primary/);
    });

    it('refuses a handle outside the charset at the database too', async () => {
      const asha = await aUserRow();
      await expect(
        dataSource.query(`INSERT INTO payment_addresses (id, user_id, handle, skeleton, is_primary, is_default, created_at) VALUES ($1, $2, 'Asha K', 'x', false, false, now())`, [randomUUID(), asha]),
      ).rejects.toThrow(/handle_format/);
    });
  });

  describe('payee-lookup buckets', () => {
    const policy: PayeeLookupBucketPolicy = PIX_DICT_BUCKET_DEFAULTS;
    const now = new Date('2026-12-01T10:00:00.000Z');
    const level = async (userId: string, at: Date) => {
      const rows = await dataSource.query<{ tokens: number; refilled_at: Date }[]>(`SELECT tokens, refilled_at FROM payee_lookup_buckets WHERE user_id = $1`, [userId]);
      return bucketLevelAt(rows.length === 0 ? null : { tokens: Number(rows[0].tokens), refilledAt: new Date(rows[0].refilled_at) }, at, policy);
    };

    it('never lets N parallel misses take more than the bucket holds', async () => {
      const userId = await aUserRow();

      const takes = await Promise.all(Array.from({ length: 25 }, () => buckets.take(userId, policy.missCost, now, policy)));

      // 100 tokens, 20 a miss: five and only five.
      expect(takes.filter((take) => take.taken)).toHaveLength(5);
      expect(takes.filter((take) => !take.taken)).toHaveLength(20);
      expect(await level(userId, now)).toBeCloseTo(0);
    });

    it('refills with time, gives back up to the capacity, and reports the level it refused at', async () => {
      const userId = await aUserRow();
      for (let i = 0; i < 5; i += 1) await buckets.take(userId, policy.missCost, now, policy);

      const refused = await buckets.take(userId, policy.missCost, new Date(now.getTime() + 300_000), policy);
      expect(refused).toEqual({ taken: false, level: expect.closeTo(10, 5) });
      expect(await buckets.take(userId, policy.missCost, new Date(now.getTime() + 600_000), policy)).toEqual({ taken: true });

      await buckets.giveBack(userId, 500, policy);
      expect(await level(userId, new Date(now.getTime() + 600_000))).toBe(policy.capacity);
    });

    it('keeps users apart', async () => {
      const [a, b] = [await aUserRow(), await aUserRow()];
      for (let i = 0; i < 5; i += 1) await buckets.take(a, policy.missCost, now, policy);
      expect(await buckets.take(a, policy.missCost, now, policy)).toMatchObject({ taken: false });
      expect(await buckets.take(b, policy.missCost, now, policy)).toEqual({ taken: true });
    });
  });
});
