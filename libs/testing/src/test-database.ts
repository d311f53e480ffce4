import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

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
