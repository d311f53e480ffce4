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

/**
 * Runs statements in one of the stack's databases as the test server's admin user: what an outside
 * party with database access could do (a test uses it to break something on purpose and fix it).
 */
export async function databaseExecute(database: string, sql: string): Promise<void> {
  const url = new URL(testDatabaseServerUrl());
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
