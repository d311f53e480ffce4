import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { countValuesByKeyId, FieldDecryptionError, FieldEncryption, LookupHasher, reencryptTable, typeOrmOptions } from '@kirim/platform';
import { createMigratedTestDatabase, MigratedTestDatabase, uniquePhone } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { bankConnectorSchema } from '../bank-connector.persistence';
import { BANK_CONNECTOR_MIGRATIONS } from '../migrations';
import { SANDBOX_ACCOUNTS_ENCRYPTED } from './sandbox-account-encryption';
import { TypeOrmSandboxLedgerRepository } from './typeorm-sandbox-ledger.repository';

/*
 * Personal data at rest in the sandbox ledger (docs/data-at-rest.md), against real PostgreSQL and the
 * service's migrations: what the table holds, lookups by keyed hash, the migration that converts
 * clear rows, and key rotation by the re-encryption job.
 */

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const lookups = LookupHasher.fromKey(randomBytes(32));
const underK1 = FieldEncryption.fromKeys(new Map([['k1', K1]]), 'k1');
const rotating = FieldEncryption.fromKeys(new Map([['k1', K1], ['k2', K2]]), 'k2');
const retired = FieldEncryption.fromKeys(new Map([['k2', K2]]), 'k2');

let database: MigratedTestDatabase;
let dataSource: DataSource;
const ledgerWith = (fields: FieldEncryption): TypeOrmSandboxLedgerRepository => new TypeOrmSandboxLedgerRepository(dataSource, fields, lookups);

beforeAll(async () => {
  database = await createMigratedTestDatabase('bank_connector_encryption', bankConnectorSchema({ fields: underK1, lookups }), { poolSize: 6 });
  dataSource = database.dataSource;
}, 30_000);

afterAll(async () => {
  await database?.close();
});

async function rawRow(accountRef: string): Promise<Record<string, unknown>> {
  const [row] = await dataSource.query<Array<Record<string, unknown>>>(`SELECT * FROM sandbox_accounts WHERE id = $1`, [accountRef]);
  return row ?? {};
}

describe('sandbox accounts at rest (PostgreSQL)', () => {
  it('stores the account number, holder name and mobile encrypted, and finds the account by its mobile however written', async () => {
    const mobile = uniquePhone();
    const opened = await ledgerWith(underK1).openAccount({ bankCode: 'SBXA', mobile, holderName: 'Asha Secret-Holder', openingBalanceMinor: 100n, currency: 'INR' });
    const row = await rawRow(opened.accountRef);
    const text = JSON.stringify(row);
    for (const clear of [opened.accountNumber, 'Asha Secret-Holder', mobile, mobile.slice(3)]) expect(text).not.toContain(clear);
    expect(row['account_number_encrypted']).toMatch(/^kf1\.k1\./);
    expect(row['mobile_hash']).toBe(lookups.phoneNumber(mobile));
    expect(row['account_number_hash']).toBe(lookups.accountNumber(opened.accountNumber));

    const spaced = `${mobile.slice(0, 3)} ${mobile.slice(3, 8)} ${mobile.slice(8)}`;
    const [found] = await ledgerWith(underK1).findCustomerAccountsByMobile(spaced);
    expect(found).toMatchObject({ accountRef: opened.accountRef, accountNumber: opened.accountNumber, holderName: 'Asha Secret-Holder', balanceMinor: 100n });
    await expect(ledgerWith(underK1).findCustomerAccountsByMobile('not a number')).resolves.toEqual([]);
  });

  it('cannot be read with another key, and refuses clear text written into an encrypted column', async () => {
    const opened = await ledgerWith(underK1).openAccount({ bankCode: 'SBXB', mobile: uniquePhone(), holderName: 'Bala', openingBalanceMinor: 0n, currency: 'INR' });
    const stranger = FieldEncryption.fromKeys(new Map([['k1', randomBytes(32)]]), 'k1');
    const row = await rawRow(opened.accountRef);
    expect(() => stranger.decrypt('sandbox_accounts.holder_name', row['holder_name_encrypted'] as string)).toThrow(FieldDecryptionError);
    await expect(dataSource.query(`UPDATE sandbox_accounts SET holder_name_encrypted = 'Bala' WHERE id = $1`, [opened.accountRef])).rejects.toThrow(/holder_name_encrypted_format/);
  });

  describe('rotation', () => {
    it('re-wraps every value under the new key with two jobs at once, is idempotent, and then the old key can go', async () => {
      const opened = await Promise.all(
        Array.from({ length: 12 }, (_, i) => ledgerWith(underK1).openAccount({ bankCode: i % 2 ? 'SBXA' : 'SBXB', mobile: uniquePhone(), holderName: `Holder ${i}`, openingBalanceMinor: 0n, currency: 'INR' })),
      );
      const before = await countValuesByKeyId(dataSource, SANDBOX_ACCOUNTS_ENCRYPTED);
      expect([...before.keys()]).toEqual(['k1']);
      const rows = [...before.values()].reduce((a, b) => a + b, 0);
      expect(rows).toBeGreaterThan(12 * 3);

      // Two replicas running the job: SKIP LOCKED shares the rows out, none is done twice.
      const [a, b] = await Promise.all([
        reencryptTable(dataSource, rotating, SANDBOX_ACCOUNTS_ENCRYPTED, { batchSize: 3 }),
        reencryptTable(dataSource, rotating, SANDBOX_ACCOUNTS_ENCRYPTED, { batchSize: 3 }),
      ]);
      const [{ count }] = await dataSource.query<Array<{ count: string }>>(`SELECT COUNT(*)::text AS count FROM sandbox_accounts`);
      expect(a.rows + b.rows).toBe(Number(count));
      expect(Object.fromEntries(await countValuesByKeyId(dataSource, SANDBOX_ACCOUNTS_ENCRYPTED))).toEqual({ k2: rows });
      await expect(reencryptTable(dataSource, rotating, SANDBOX_ACCOUNTS_ENCRYPTED)).resolves.toMatchObject({ rows: 0, batches: 0 });

      // k1 retired: every account still reads, with the lookup hashes untouched.
      for (const account of opened) {
        const [found] = await ledgerWith(retired).findCustomerAccountsByMobile(await mobileOf(account.accountRef));
        expect(found).toMatchObject({ accountRef: account.accountRef, accountNumber: account.accountNumber, holderName: account.holderName });
      }
      // New accounts are written under the active key.
      const fresh = await ledgerWith(rotating).openAccount({ bankCode: 'SBXA', mobile: uniquePhone(), holderName: 'New', openingBalanceMinor: 0n, currency: 'INR' });
      expect((await rawRow(fresh.accountRef))['holder_name_encrypted']).toMatch(/^kf1\.k2\./);
    });

    it('stops at a value under a key that is not in the keyring, naming the key id', async () => {
      const orphan = FieldEncryption.fromKeys(new Map([['k0', randomBytes(32)]]), 'k0');
      const opened = await ledgerWith(orphan).openAccount({ bankCode: 'SBXA', mobile: uniquePhone(), holderName: 'Orphan', openingBalanceMinor: 0n, currency: 'INR' });
      await expect(reencryptTable(dataSource, retired, SANDBOX_ACCOUNTS_ENCRYPTED)).rejects.toThrow('key id k0 is not in DATA_ENCRYPTION_KEYS');
      await dataSource.query(`DELETE FROM sandbox_accounts WHERE id = $1`, [opened.accountRef]);
    });
  });
});

/** The clear mobile of an account, decrypted with the keys the test knows. */
async function mobileOf(accountRef: string): Promise<string> {
  return retired.decrypt('sandbox_accounts.mobile', (await rawRow(accountRef))['mobile_encrypted'] as string);
}

describe('the migration that encrypts existing sandbox accounts (PostgreSQL)', () => {
  it('converts clear rows in place and drops the clear columns', async () => {
    const before = await createMigratedTestDatabase('bank_connector_encrypt_migration', { entities: [], migrations: BANK_CONNECTOR_MIGRATIONS.filter((m) => Number(m.name.slice(-13)) < 1764610000000) });
    try {
      const mobile = uniquePhone();
      await before.dataSource.query(
        `INSERT INTO sandbox_accounts (bank_code, account_number, holder_name, mobile, kind, currency, balance_minor) VALUES ('SBXA', '123456789012', 'Chandra Clear', $1, 'customer', 'INR', 0)`,
        [mobile],
      );
      await before.dataSource.query(`INSERT INTO partner_account_lookups (lookup_id, bank_code, mobile_digest, requested_at) VALUES (gen_random_uuid(), 'XMPL', $1, now())`, ['x'.repeat(43)]);
      await before.dataSource.destroy();

      const after = new DataSource(typeOrmOptions({ url: before.database.url, ...bankConnectorSchema({ fields: underK1, lookups }), applicationName: 'kirim-encrypt-migration-it' }));
      await after.initialize();
      try {
        const rows = await after.query<Array<Record<string, unknown>>>(`SELECT * FROM sandbox_accounts`);
        expect(rows).toHaveLength(3); // two settlement accounts and Chandra's
        const text = JSON.stringify(rows);
        for (const clear of ['123456789012', 'Chandra Clear', mobile, 'Sandbox Bank A settlement']) expect(text).not.toContain(clear);
        for (const row of rows) expect(Object.keys(row)).not.toEqual(expect.arrayContaining(['account_number']));
        const [found] = await new TypeOrmSandboxLedgerRepository(after, underK1, lookups).findCustomerAccountsByMobile(mobile);
        expect(found).toMatchObject({ accountNumber: '123456789012', holderName: 'Chandra Clear' });
        // The unkeyed SHA-256 lookups cannot be converted; they are a 60-second cache and are dropped.
        await expect(after.query(`SELECT COUNT(*)::int AS count FROM partner_account_lookups`)).resolves.toEqual([{ count: 0 }]);
      } finally {
        await after.destroy();
      }
    } finally {
      await before.database.drop();
    }
  });
});
