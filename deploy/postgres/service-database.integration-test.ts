import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { testDatabaseServerUrl } from '@kirim/testing';

/*
 * One PostgreSQL role per service, owning only its database (deploy/postgres/service-database.sql,
 * as deploy/local/postgres.sh and the compose init script run it): against the real server, with two
 * throwaway services, a role reads and writes its own database and cannot even connect to another's.
 * The test itself connects as the superuser of TEST_DATABASE_SERVER_URL, as the integration harness does.
 */

const SCRIPT = join(__dirname, 'service-database.sql');
const suffix = randomBytes(4).toString('hex');
const services = {
  a: { database: `kirim_it_roles_a_${suffix}`, role: `kirim_it_roles_a_${suffix}`, password: randomBytes(18).toString('hex') },
  b: { database: `kirim_it_roles_b_${suffix}`, role: `kirim_it_roles_b_${suffix}`, password: randomBytes(18).toString('hex') },
};
type Service = (typeof services)['a'];

function provision(service: Service): void {
  const run = spawnSync('psql', [testDatabaseServerUrl(), '-X', '-q', '-v', `database=${service.database}`, '-v', `role=${service.role}`, '-f', SCRIPT], {
    env: { ...process.env, KIRIM_SERVICE_DB_PASSWORD: service.password },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`service-database.sql failed (${run.status}): ${run.stderr}`);
}

function urlOf(service: Service, database = service.database, as: { role: string; password: string } = service): string {
  const url = new URL(testDatabaseServerUrl());
  url.username = as.role;
  url.password = as.password;
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const asSuperuser = <T>(database: string, use: (client: Client) => Promise<T>): Promise<T> => {
  const url = new URL(testDatabaseServerUrl());
  url.pathname = `/${database}`;
  return withClient(url.toString(), use);
};

beforeAll(async () => {
  // B already has a table the superuser made (a stack migrated before roles existed): it is handed over.
  await asSuperuser('postgres', (client) => client.query(`CREATE DATABASE ${services.b.database}`));
  await asSuperuser(services.b.database, (client) => client.query(`CREATE TABLE ledger (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, holder text); INSERT INTO ledger (holder) VALUES ('b-secret')`));
  provision(services.a);
  provision(services.b);
}, 30_000);

afterAll(async () => {
  await asSuperuser('postgres', async (client) => {
    for (const service of Object.values(services)) {
      await client.query(`DROP DATABASE IF EXISTS ${service.database} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${service.role}`);
    }
  });
});

describe('a PostgreSQL role per service (deploy/postgres/service-database.sql)', () => {
  it('owns its database: creates, alters and reads its own tables, which are its own', async () => {
    await withClient(urlOf(services.a), async (client) => {
      await client.query(`CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)`);
      await client.query(`ALTER TABLE accounts ADD COLUMN mobile_hash char(43)`);
      await client.query(`INSERT INTO accounts (name) VALUES ('a')`);
      await expect(client.query(`SELECT name FROM accounts`)).resolves.toMatchObject({ rows: [{ name: 'a' }] });
      const owner = await client.query<{ owner: string }>(`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'accounts'`);
      expect(owner.rows).toEqual([{ owner: services.a.role }]);
    });
  });

  it("cannot connect to another service's database", async () => {
    await expect(withClient(urlOf(services.b, services.b.database, services.a), (client) => client.query(`SELECT holder FROM ledger`))).rejects.toThrow(/permission denied for database/);
    await expect(withClient(urlOf(services.a, services.a.database, services.b), (client) => client.query(`SELECT 1`))).rejects.toThrow(/permission denied for database/);
  });

  it('takes over what a superuser made in its database before, so its migrations can change it', async () => {
    await withClient(urlOf(services.b), async (client) => {
      await client.query(`ALTER TABLE ledger ADD COLUMN holder_encrypted text`);
      await expect(client.query(`SELECT holder FROM ledger`)).resolves.toMatchObject({ rows: [{ holder: 'b-secret' }] });
    });
  });

  it('is no superuser, and can create neither databases nor roles', async () => {
    await withClient(urlOf(services.a), async (client) => {
      await expect(client.query(`CREATE DATABASE kirim_it_roles_escape_${suffix}`)).rejects.toThrow(/permission denied to create database/);
      await expect(client.query(`CREATE ROLE kirim_it_roles_escape_${suffix}`)).rejects.toThrow(/permission denied to create role/);
      await expect(client.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).resolves.toMatchObject({ rows: [{ rolsuper: false }] });
    });
  });

  it('is idempotent: a second run changes nothing and keeps the data', () => {
    expect(() => provision(services.a)).not.toThrow();
    return withClient(urlOf(services.a), async (client) => {
      await expect(client.query(`SELECT name FROM accounts`)).resolves.toMatchObject({ rows: [{ name: 'a' }] });
    });
  });
});
