import { Client } from 'pg';
import { testDatabaseServerUrl } from '@kirim/testing';

/** Rows of one of the stack's databases, read as an auditor would (the test server's admin user). */
export async function databaseRows(database: string, sql: string): Promise<Record<string, string>[]> {
  const url = new URL(testDatabaseServerUrl());
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<Record<string, string>>(sql)).rows;
  } finally {
    await client.end();
  }
}
