import { randomUUID } from 'node:crypto';
import { EVENT_SOURCES } from '@kirim/contracts';
import { OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, MigratedTestDatabase, testDataProtection, uniquePhone } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { TypeOrmLinkedBankAccountRepository } from '../bank-accounts/typeorm-linked-bank-account.repository';
import { identitySchema } from '../identity.persistence';
import { aLinkedAccount, aUser } from '../testing/in-memory-identity.fakes';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { READ_PARTIES, TypeOrmPaymentPartyReader } from './typeorm-payment-party-reader';

/** The one-statement read of a payment's parties, and its bucket take, against the real schema, indexes and encryption. */
describe('TypeOrmPaymentPartyReader (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let reader: TypeOrmPaymentPartyReader;
  const protection = testDataProtection();
  const asha = aUser({ id: randomUUID(), phone: uniquePhone(), displayName: 'Asha' });
  const ravi = aUser({ id: randomUUID(), phone: uniquePhone(), displayName: 'Ravi' });
  const newcomer = aUser({ id: randomUUID(), phone: uniquePhone(), displayName: 'Meera' });
  const ashaPrimary = aLinkedAccount({ id: randomUUID(), userId: asha.id, accountRef: randomUUID(), bankCode: 'SBXA', isPrimary: true });
  const ashaOther = aLinkedAccount({ id: randomUUID(), userId: asha.id, accountRef: randomUUID(), bankCode: 'SBXB', isPrimary: false });
  const raviPrimary = aLinkedAccount({ id: randomUUID(), userId: ravi.id, accountRef: randomUUID(), bankCode: 'SBXB', isPrimary: true });

  beforeAll(async () => {
    database = await createMigratedTestDatabase('identity-party-reader', identitySchema(protection));
    dataSource = database.dataSource;
    reader = new TypeOrmPaymentPartyReader(dataSource, protection.lookups);
    const users = new TypeOrmUserRepository(dataSource, protection.fields, protection.lookups);
    const accounts = new TypeOrmLinkedBankAccountRepository(dataSource, protection.fields);
    await new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.IDENTITY)).run(async (tx) => {
      for (const user of [asha, ravi, newcomer]) expect(await users.insertIfPhoneFree(tx, user)).toBe(true);
      for (const account of [ashaOther, ashaPrimary, raviPrimary]) await accounts.insert(tx, account);
    });
  });

  afterAll(async () => {
    await database?.close();
  });

  // Enough tokens that the reads below never run a bucket dry, except where a test empties one.
  const policy = { capacity: 1_000, refillPerMinute: 2, hitCost: 1, missCost: 20 };
  const hit = { cost: policy.hitCost, now: new Date(), policy };
  const read = (payerUserId: string, payee: Parameters<TypeOrmPaymentPartyReader['read']>[1]) => reader.read(payerUserId, payee, hit);
  const tokensOf = async (userId: string): Promise<number | null> => {
    const rows = await dataSource.query<Array<{ tokens: number }>>(`SELECT tokens FROM payee_lookup_buckets WHERE user_id = $1`, [userId]);
    return rows.length === 0 ? null : Number(rows[0].tokens);
  };

  const party = (user: typeof asha, account: typeof ashaPrimary | null) => ({
    userId: user.id,
    displayName: user.displayName,
    primaryAccount: account === null ? null : { bankCode: account.bankCode, accountRef: account.accountRef },
  });

  it('reads the payer by id and the payee by phone number, each with the primary account only', async () => {
    expect(await read(asha.id, { phone: ravi.phone })).toEqual({ payer: party(asha, ashaPrimary), payee: party(ravi, raviPrimary), hitTaken: true });
  });

  it('reads the payee by user id (a resolved address), and a user who linked no account with none', async () => {
    expect(await read(ravi.id, { userId: newcomer.id })).toEqual({ payer: party(ravi, raviPrimary), payee: party(newcomer, null), hitTaken: true });
  });

  it('gives the same record twice when the payee is the payer, by phone or by id', async () => {
    expect(await read(asha.id, { phone: asha.phone })).toEqual({ payer: party(asha, ashaPrimary), payee: party(asha, ashaPrimary), hitTaken: true });
    expect(await read(asha.id, { userId: asha.id })).toEqual({ payer: party(asha, ashaPrimary), payee: party(asha, ashaPrimary), hitTaken: true });
  });

  it('finds nobody for an unknown payer (charging no bucket), an unknown number, a number that is not E.164, or no payee', async () => {
    const stranger = randomUUID();
    expect(await read(stranger, { phone: ravi.phone })).toEqual({ payer: null, payee: party(ravi, raviPrimary), hitTaken: false });
    expect(await tokensOf(stranger)).toBeNull();
    expect(await read(asha.id, { phone: uniquePhone() })).toEqual({ payer: party(asha, ashaPrimary), payee: null, hitTaken: true });
    expect(await read(asha.id, { phone: 'not a number' })).toEqual({ payer: party(asha, ashaPrimary), payee: null, hitTaken: true });
    expect(await read(asha.id, { userId: randomUUID() })).toEqual({ payer: party(asha, ashaPrimary), payee: null, hitTaken: true });
    expect(await read(asha.id, null)).toEqual({ payer: party(asha, ashaPrimary), payee: null, hitTaken: true });
  });

  it("takes the hit from the payer's bucket in the same statement, and nothing when the bucket holds less", async () => {
    const before = (await tokensOf(newcomer.id)) ?? policy.capacity;
    expect(await read(newcomer.id, { phone: ravi.phone })).toMatchObject({ hitTaken: true });
    expect(await tokensOf(newcomer.id)).toBeCloseTo(before - 1, 3);

    await dataSource.query(`UPDATE payee_lookup_buckets SET tokens = 0.5, refilled_at = $2 WHERE user_id = $1`, [newcomer.id, hit.now]);
    expect(await read(newcomer.id, { phone: ravi.phone })).toEqual({ payer: party(newcomer, null), payee: party(ravi, raviPrimary), hitTaken: false });
    expect(await tokensOf(newcomer.id)).toBe(0.5);
  });

  it('is planned once per connection, not on every call: PostgreSQL settles on its generic plan for each way the payee is named', async () => {
    // Enough users with accounts that the plans are index lookups, as in a running service.
    await dataSource.query(
      `WITH added AS (
         INSERT INTO users (id, display_name, phone_encrypted, phone_hash)
         SELECT gen_random_uuid(), 'User ' || n, 'kf1.x', rpad(md5(n::text), 43, 'x') FROM generate_series(1, 2000) AS n
         RETURNING id)
       INSERT INTO linked_bank_accounts (id, user_id, bank_code, account_ref, masked_account_number, is_primary, linked_at)
       SELECT gen_random_uuid(), id, 'SBXA', gen_random_uuid(), 'XXXX1234', true, now() FROM added`,
    );
    await dataSource.query('ANALYZE users, linked_bank_accounts');
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const bucket = 'float8, float8, timestamptz, float8';
      const values = [policy.capacity, hit.cost, hit.now.toISOString(), policy.refillPerMinute / 60];
      const statements = [
        { name: 'by_phone', text: READ_PARTIES.payeeByPhone, types: `uuid, ${bucket}, char(43)`, parameters: [asha.id, ...values, protection.lookups.phoneNumber(ravi.phone)] },
        { name: 'by_id', text: READ_PARTIES.payeeById, types: `uuid, ${bucket}, uuid`, parameters: [ravi.id, ...values, asha.id] },
        { name: 'payer_only', text: READ_PARTIES.payerOnly, types: `uuid, ${bucket}`, parameters: [asha.id, ...values] },
      ];
      for (const { name, text, types, parameters } of statements) {
        await runner.query(`PREPARE ${name}(${types}) AS ${text}`);
        // EXECUTE takes no bind parameters; these are ids, numbers, an instant and a base64url hash, quoted as literals.
        const literals = parameters.map((value) => `'${String(value).replace(/'/g, "''")}'`).join(', ');
        // PostgreSQL plans the first five executions for their values, then weighs its generic plan.
        for (let i = 0; i < 7; i += 1) expect(await runner.query(`EXECUTE ${name}(${literals})`)).not.toHaveLength(0);
      }
      const plans: { name: string; generic_plans: string }[] = await runner.query(
        `SELECT name, generic_plans::text FROM pg_prepared_statements WHERE name IN ('by_id', 'by_phone', 'payer_only') ORDER BY name`,
      );
      expect(plans).toEqual([
        { name: 'by_id', generic_plans: '2' },
        { name: 'by_phone', generic_plans: '2' },
        { name: 'payer_only', generic_plans: '2' },
      ]);
    } finally {
      for (const name of ['by_id', 'by_phone', 'payer_only']) await runner.query(`DEALLOCATE ${name}`).catch(() => undefined);
      await runner.release();
    }
  });

  it('answers the same once the statement runs prepared (from its fifth use on a connection)', async () => {
    for (let i = 0; i < 8; i += 1) {
      expect(await read(asha.id, { phone: ravi.phone })).toEqual({ payer: party(asha, ashaPrimary), payee: party(ravi, raviPrimary), hitTaken: true });
      expect(await read(ravi.id, { userId: asha.id })).toEqual({ payer: party(ravi, raviPrimary), payee: party(asha, ashaPrimary), hitTaken: true });
    }
  });
});
