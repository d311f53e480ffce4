import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ServiceDataSourceInput, typeOrmOptions } from '@kirim/platform';

/** Server the integration tests create their databases on; CI and the local stack use the same one. */
export function testDatabaseServerUrl(): string {
  return process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty PostgreSQL database for one test file, so files run in parallel without sharing
 * rows and each starts from real migrations. Dropped (forcefully) by `drop()`.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `kirim_it_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const serverUrl = testDatabaseServerUrl();
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop(): Promise<void> {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface MigratedTestDatabase {
  readonly database: TestDatabase;
  /** Initialised, with every migration of `schema` applied, exactly as the service runs them at boot. */
  readonly dataSource: DataSource;
  /** Closes the connections and drops the database. */
  close(): Promise<void>;
}

/** A fresh test database with a service's real migrations applied, for one integration test file. */
export async function createMigratedTestDatabase(
  prefix: string,
  schema: Pick<ServiceDataSourceInput, 'entities' | 'migrations'>,
  options: { poolSize?: number } = {},
): Promise<MigratedTestDatabase> {
  const database = await createTestDatabase(prefix);
  const base = typeOrmOptions({ url: database.url, ...schema, applicationName: `kirim-${prefix}-integration-test` });
  const dataSource = new DataSource(options.poolSize ? { ...base, extra: { ...base.extra, max: options.poolSize } } : base);
  try {
    await dataSource.initialize();
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    database,
    dataSource,
    async close(): Promise<void> {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
