import { EVENT_SOURCES, EVENT_TYPES, TOPICS } from '@kirim/contracts';
import { OutboxWriter, TransactionRunner, TransactionScope, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, MigratedTestDatabase, testDataProtection, uniquePhone } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { LinkBankAccount } from '../bank-accounts/link-bank-account/link-bank-account.use-case';
import { TypeOrmLinkedBankAccountRepository } from '../bank-accounts/typeorm-linked-bank-account.repository';
import { ResolvePaymentParties } from '../payment-parties/resolve-payment-parties/resolve-payment-parties.use-case';
import { TypeOrmPaymentPartyReader } from '../payment-parties/typeorm-payment-party-reader';
import { identitySchema } from '../identity.persistence';
import { FakeBankAccountDirectory } from '../testing/in-memory-identity.fakes';
import { testTokenIssuer } from '../testing/test-token-issuer';
import { RandomIdGenerator, SystemClock } from '@kirim/platform';
import { CreateDefaultPaymentAddress } from '../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { TypeOrmPayeeLookupBucketRepository } from '../payees/typeorm-payee-lookup-bucket.repository';
import { TypeOrmPaymentAddressRepository } from '../payment-addresses/typeorm-payment-address.repository';
import { RegisterUser } from './register-user/register-user.use-case';
import { TypeOrmUserRepository } from './typeorm-user.repository';

interface OutboxRow {
  topic: string;
  record_key: string;
  type: string;
  source: string;
  data: Record<string, unknown>;
}

/*
 * Against real PostgreSQL with the real migrations and the real outbox writer: a user and the
 * event announcing it are committed together or not at all. (The bank directory is the only
 * fake: it stands for bank-connector over HTTP, not for PostgreSQL or Kafka.)
 */
describe('identity persistence (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let users: TypeOrmUserRepository;
  let accounts: TypeOrmLinkedBankAccountRepository;
  let unitOfWork: UnitOfWork;
  let registerUser: RegisterUser;
  const protection = testDataProtection();
  const clock = new SystemClock();
  const ids = new RandomIdGenerator();

  beforeAll(async () => {
    database = await createMigratedTestDatabase('identity', identitySchema(protection));
    dataSource = database.dataSource;
    users = new TypeOrmUserRepository(dataSource, protection.fields, protection.lookups);
    accounts = new TypeOrmLinkedBankAccountRepository(dataSource, protection.fields);
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.IDENTITY));
    registerUser = new RegisterUser(unitOfWork, users, testTokenIssuer(), new CreateDefaultPaymentAddress(new TypeOrmPaymentAddressRepository(dataSource), clock, ids), clock, ids);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE payee_lookup_buckets, payment_addresses, linked_bank_accounts, users, outbox_messages CASCADE');
  });

  const outbox = (): Promise<OutboxRow[]> => dataSource.query('SELECT topic, record_key, type, source, data FROM outbox_messages ORDER BY position');
  const countUsers = async (): Promise<number> => Number((await dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM users'))[0].n);

  it('writes the user and its UserRegistered outbox row in one transaction', async () => {
    const phone = uniquePhone();

    const result = await registerUser.execute({ phone, displayName: 'Asha' });

    if (!result.ok) throw new Error(`expected registration, got ${result.code}`);
    const stored = await users.findById(result.userId);
    expect(stored).toMatchObject({ id: result.userId, phone, displayName: 'Asha' });
    const rows = await outbox();
    expect(rows).toEqual([
      {
        topic: TOPICS.IDENTITY_EVENTS,
        record_key: result.userId,
        type: EVENT_TYPES.USER_REGISTERED,
        source: EVENT_SOURCES.IDENTITY,
        data: { userId: result.userId, registeredAt: stored?.createdAt.toISOString() },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(phone.slice(1));
  });

  it('leaves neither a second user nor a second outbox row for a duplicate phone', async () => {
    const phone = uniquePhone();
    await registerUser.execute({ phone, displayName: 'Asha' });

    const duplicate = await registerUser.execute({ phone, displayName: 'Impostor' });

    expect(duplicate).toEqual({ ok: false, code: 'already-registered' });
    expect(await countUsers()).toBe(1);
    expect(await outbox()).toHaveLength(1);
    expect((await users.findByPhone(phone))?.displayName).toBe('Asha');
  });

  it('lets exactly one of two concurrent registrations of one phone win', async () => {
    const phone = uniquePhone();

    const results = await Promise.all([registerUser.execute({ phone, displayName: 'A' }), registerUser.execute({ phone, displayName: 'B' })]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, code: 'already-registered' }]);
    expect(await countUsers()).toBe(1);
    expect(await outbox()).toHaveLength(1);
  });

  it('rolls the user back when the event cannot be published', async () => {
    // The work succeeds, then the transaction fails before commit (as a failed outbox INSERT would).
    class FailingBeforeCommit extends TransactionRunner {
      async run<T>(work: (tx: TransactionScope) => Promise<T>): Promise<T> {
        return unitOfWork.run(async (tx) => {
          await work(tx);
          throw new Error('outbox write failed');
        });
      }
    }
    const failing = new RegisterUser(new FailingBeforeCommit(), users, testTokenIssuer(), new CreateDefaultPaymentAddress(new TypeOrmPaymentAddressRepository(dataSource), clock, ids), clock, ids);

    await expect(failing.execute({ phone: uniquePhone(), displayName: 'Asha' })).rejects.toThrow('outbox write failed');
    expect(await countUsers()).toBe(0);
    expect(await outbox()).toEqual([]);
  });

  it('links accounts (first one primary, idempotently) and resolves payment parties from the primary accounts', async () => {
    const directory = new FakeBankAccountDirectory();
    const linkBankAccount = new LinkBankAccount(unitOfWork, users, accounts, directory, clock, ids);
    const resolve = new ResolvePaymentParties(
      new TypeOrmPaymentPartyReader(dataSource, protection.lookups),
      new TypeOrmPaymentAddressRepository(dataSource),
      new TypeOrmPayeeLookupBucketRepository(dataSource),
      { capacity: 100, refillPerMinute: 2, hitCost: 1, missCost: 20 },
      new SystemClock(),
    );
    const payerPhone = uniquePhone();
    const payeePhone = uniquePhone();
    const payer = await registerUser.execute({ phone: payerPhone, displayName: 'Asha' });
    const payee = await registerUser.execute({ phone: payeePhone, displayName: 'Ravi' });
    if (!payer.ok || !payee.ok) throw new Error('registration failed');
    const a1 = { accountRef: 'aaaaaaaa-0000-4000-8000-000000000001', bankCode: 'SBXA', bankName: 'Sandbox A', maskedAccountNumber: 'XXXXXXXX0001', holderName: 'Asha Kumari' };
    const a2 = { accountRef: 'aaaaaaaa-0000-4000-8000-000000000002', bankCode: 'SBXB', bankName: 'Sandbox B', maskedAccountNumber: 'XXXXXXXX0002', holderName: 'Asha Kumari' };
    const b1 = { accountRef: 'bbbbbbbb-0000-4000-8000-000000000001', bankCode: 'SBXB', bankName: 'Sandbox B', maskedAccountNumber: 'XXXXXXXX0003', holderName: 'Ravi Shankar' };
    directory.accountsByMobile.set(payerPhone, [a1, a2]);
    directory.accountsByMobile.set(payeePhone, [b1]);

    // Two different accounts linked concurrently: the user-row lock makes exactly one primary.
    const [first, second] = await Promise.all([
      linkBankAccount.execute({ userId: payer.userId, accountRef: a1.accountRef }),
      linkBankAccount.execute({ userId: payer.userId, accountRef: a2.accountRef }),
    ]);
    const again = await linkBankAccount.execute({ userId: payer.userId, accountRef: a1.accountRef });
    await linkBankAccount.execute({ userId: payee.userId, accountRef: b1.accountRef });

    expect([first, second].every((r) => r.ok && r.created)).toBe(true);
    expect(again).toMatchObject({ ok: true, created: false, account: { accountRef: a1.accountRef } });
    const payerAccounts = await accounts.listByUser(payer.userId);
    expect(payerAccounts).toHaveLength(2);
    expect(payerAccounts.filter((a) => a.isPrimary)).toHaveLength(1);
    const linkedEvents = (await outbox()).filter((row) => row.type === EVENT_TYPES.BANK_ACCOUNT_LINKED);
    expect(linkedEvents).toHaveLength(3);

    const parties = await resolve.execute({ payerUserId: payer.userId, payeePhone });
    expect(parties).toEqual({
      ok: true,
      payer: { userId: payer.userId, bankCode: payerAccounts[0].bankCode, accountRef: payerAccounts[0].accountRef },
      payee: { userId: payee.userId, displayName: 'Ravi', bankCode: 'SBXB', accountRef: b1.accountRef },
    });
  });
});
