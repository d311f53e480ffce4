import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { testDatabaseServerUrl } from '@kirim/testing';
import { CeilingOptions } from './bench-options';
import { LatencyRecorder, LatencySummary } from './latency';
import { CEILING_SCHEMA, ceilingTransaction, drawCeilingPayment } from './pg-ceiling-transaction';

/**
 * How many payment-shaped transactions the PostgreSQL server itself commits per second
 * (pg-ceiling-transaction.ts), with no service, broker or HTTP in the way: the ceiling kirim's
 * completed payments/s is compared with. Run on a throwaway database (kirim_bench_ceiling_<random>)
 * of TEST_DATABASE_SERVER_URL's server, as its user (postgres@127.0.0.1:5432 by default, the server
 * the local stack uses), created and dropped by the run; `clients` connections, each running one
 * transaction after another for `seconds`, once with one payment per transaction and once with ten.
 */

export const PAYMENTS_PER_TRANSACTION = [1, 10] as const;

export interface CeilingVariant {
  readonly paymentsPerTransaction: number;
  readonly transactions: number;
  readonly seconds: number;
  readonly transactionsPerSecond: number;
  readonly paymentsPerSecond: number;
  readonly transactionLatency: LatencySummary;
  readonly deadlocksOrSerializationFailures: number;
}

export interface CeilingResult {
  readonly server: string;
  readonly clients: number;
  readonly settings: { readonly synchronousCommit: string; readonly fsync: string; readonly serverVersion: string };
  readonly variants: readonly CeilingVariant[];
}

function urlOf(database: string): string {
  const url = new URL(testDatabaseServerUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function connected(database: string): Promise<Client> {
  const client = new Client({ connectionString: urlOf(database), connectionTimeoutMillis: 10_000 });
  await client.connect();
  return client;
}

export async function measurePostgresCeiling(options: CeilingOptions, log: (message: string) => void): Promise<CeilingResult> {
  const database = `kirim_bench_ceiling_${randomBytes(5).toString('hex')}`;
  const admin = await connected(new URL(testDatabaseServerUrl()).pathname.slice(1) || 'postgres');
  const server = `${new URL(testDatabaseServerUrl()).host}`;
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    log(`PostgreSQL ceiling: throwaway database ${database} on ${server}, ${options.clients} clients, ${options.seconds} s per variant`);
    try {
      const setup = await connected(database);
      let settings: CeilingResult['settings'];
      try {
        for (const statement of CEILING_SCHEMA) await setup.query(statement);
        await setup.query('ANALYZE');
        const show = async (name: string): Promise<string> => ((await setup.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name] ?? '?');
        settings = { synchronousCommit: 'on (set by every client)', fsync: await show('fsync'), serverVersion: await show('server_version') };
      } finally {
        await setup.end();
      }
      const variants: CeilingVariant[] = [];
      for (const paymentsPerTransaction of PAYMENTS_PER_TRANSACTION) {
        const variant = await runVariant(database, options, paymentsPerTransaction);
        log(
          `PostgreSQL ceiling, ${paymentsPerTransaction} payment(s) per transaction: ${variant.transactionsPerSecond} transactions/s = ${variant.paymentsPerSecond} payments/s (transaction p50 ${variant.transactionLatency.p50Ms} ms, p99 ${variant.transactionLatency.p99Ms} ms)`,
        );
        variants.push(variant);
      }
      return { server, clients: options.clients, settings, variants };
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

async function runVariant(database: string, options: CeilingOptions, paymentsPerTransaction: number): Promise<CeilingVariant> {
  const clients = await Promise.all(Array.from({ length: options.clients }, () => connected(database)));
  const latency = new LatencyRecorder();
  let transactions = 0;
  let retried = 0;
  try {
    for (const client of clients) await client.query('SET synchronous_commit = on');
    const start = performance.now();
    const endAt = start + options.seconds * 1000;
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < endAt) {
          const statements = ceilingTransaction(Array.from({ length: paymentsPerTransaction }, () => drawCeilingPayment(randomInt, randomUUID)));
          const began = performance.now();
          try {
            await client.query('BEGIN');
            for (const statement of statements) await client.query({ name: statement.name, text: statement.text, values: [...statement.values] });
            await client.query('COMMIT');
            transactions++;
            latency.recordMs(performance.now() - began);
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            // Ordered locking should leave nothing to retry; count it if the server still says so.
            const code = (error as { code?: string }).code;
            if (code !== '40P01' && code !== '40001') throw error;
            retried++;
          }
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const transactionsPerSecond = Math.round((transactions / seconds) * 10) / 10;
    return {
      paymentsPerTransaction,
      transactions,
      seconds: Math.round(seconds * 1000) / 1000,
      transactionsPerSecond,
      paymentsPerSecond: Math.round(transactionsPerSecond * paymentsPerTransaction * 10) / 10,
      transactionLatency: latency.summary(),
      deadlocksOrSerializationFailures: retried,
    };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}
