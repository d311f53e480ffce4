import { Client } from 'pg';
import { testDatabaseServerUrl } from '@kirim/testing';

/**
 * What the stack's databases did between two moments, per final payment: transactions committed,
 * rows written and, where the server has pg_stat_statements, statements run. Unlike CPU these do
 * not move with the machine's noise, so a change that saves statements shows in one run.
 *
 * Transactions and rows come from pg_stat_database, which every server keeps; a backend publishes
 * its counts when it goes idle, at most once a second, so up to about a second of work at either
 * end may fall outside the window (a few per cent of a 30 s step). Statements come from
 * pg_stat_statements (shared memory, exact) when the extension is created in the payments database;
 * otherwise they are not reported.
 */

/** The local stack's services with a database, as scripts/stack.sh names them (kirim_<service>). */
export const STACK_DATABASE_SERVICES = ['payments', 'bank-connector', 'notifications', 'identity', 'example-partner'] as const;

export function databaseNameOf(service: string): string {
  return `kirim_${service.replace(/-/g, '_')}`;
}

export interface DatabaseCounters {
  readonly transactions: number;
  readonly rowsWritten: number;
  /** Null when pg_stat_statements cannot be read. */
  readonly statements: number | null;
}

/** Counters by service (STACK_DATABASE_SERVICES), for the databases that exist. */
export type DatabaseWorkSnapshot = ReadonlyMap<string, DatabaseCounters>;

export type QueryRows = (sql: string, parameters?: unknown[]) => Promise<Array<Record<string, unknown>>>;

const COUNTERS_SQL = `
  SELECT datname, xact_commit + xact_rollback AS transactions, tup_inserted + tup_updated + tup_deleted AS rows_written
    FROM pg_stat_database WHERE datname = ANY($1::text[])`;

const STATEMENTS_SQL = `
  SELECT d.datname, sum(s.calls) AS statements
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
   WHERE d.datname = ANY($1::text[]) GROUP BY d.datname`;

/** Reads the counters through `query` (a connection to a database where pg_stat_statements may exist). */
export async function readDatabaseCounters(query: QueryRows, services: readonly string[] = STACK_DATABASE_SERVICES): Promise<DatabaseWorkSnapshot> {
  const serviceOf = new Map(services.map((service) => [databaseNameOf(service), service]));
  const names = [...serviceOf.keys()];
  const statements = new Map<string, number>();
  let statementsReadable = true;
  try {
    for (const row of await query(STATEMENTS_SQL, [names])) statements.set(String(row['datname']), Number(row['statements']));
  } catch {
    // No pg_stat_statements here (not preloaded, or not created in this database): statements go unreported.
    statementsReadable = false;
  }
  const snapshot = new Map<string, DatabaseCounters>();
  for (const row of await query(COUNTERS_SQL, [names])) {
    const name = String(row['datname']);
    const service = serviceOf.get(name);
    if (service === undefined) continue;
    snapshot.set(service, {
      transactions: Number(row['transactions']),
      rowsWritten: Number(row['rows_written']),
      statements: statementsReadable ? (statements.get(name) ?? 0) : null,
    });
  }
  return snapshot;
}

/** Runs `work` on a connection of its own to `database` on the stack's server. */
async function withStackDatabase<T>(serverUrl: string, database: string, work: (client: Client) => Promise<T>): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The stack's counters, read from payments' database on the stack's server; null when it cannot be reached. */
export async function readStackDatabaseWork(serverUrl: string = testDatabaseServerUrl()): Promise<DatabaseWorkSnapshot | null> {
  try {
    return await withStackDatabase(serverUrl, databaseNameOf('payments'), (client) =>
      readDatabaseCounters(async (sql, parameters) => (await client.query(sql, parameters)).rows as Array<Record<string, unknown>>),
    );
  } catch {
    return null;
  }
}

export interface DatabaseWorkFigures {
  readonly finalPayments: number;
  /** Per final payment, by service, heaviest first. */
  readonly perPayment: Readonly<Record<string, DatabaseCounters>>;
  readonly totalPerPayment: DatabaseCounters;
}

/** What each database did between two snapshots, per payment made final in between (one decimal). */
export function databaseWorkBetween(before: DatabaseWorkSnapshot, after: DatabaseWorkSnapshot, finalPayments: number): DatabaseWorkFigures {
  const perPayment = (value: number): number => (finalPayments > 0 ? Math.round((value * 10) / finalPayments) / 10 : 0);
  const deltas: Array<[string, DatabaseCounters]> = [];
  for (const [service, now] of after) {
    const earlier = before.get(service);
    // A database created in between counts from zero; a counter reset in between counts nothing.
    const delta = (field: 'transactions' | 'rowsWritten'): number => Math.max(0, now[field] - (earlier?.[field] ?? 0));
    const statements = now.statements === null || earlier?.statements === null ? null : Math.max(0, now.statements - (earlier?.statements ?? 0));
    deltas.push([service, { transactions: delta('transactions'), rowsWritten: delta('rowsWritten'), statements }]);
  }
  deltas.sort(([, a], [, b]) => (b.statements ?? b.transactions) - (a.statements ?? a.transactions));
  const total: DatabaseCounters = {
    transactions: deltas.reduce((sum, [, delta]) => sum + delta.transactions, 0),
    rowsWritten: deltas.reduce((sum, [, delta]) => sum + delta.rowsWritten, 0),
    // Statements in all only when every database counted them.
    statements: deltas.length > 0 && deltas.every(([, delta]) => delta.statements !== null) ? deltas.reduce((sum, [, delta]) => sum + (delta.statements ?? 0), 0) : null,
  };
  const perPaymentOf = (counters: DatabaseCounters): DatabaseCounters => ({
    transactions: perPayment(counters.transactions),
    rowsWritten: perPayment(counters.rowsWritten),
    statements: counters.statements === null ? null : perPayment(counters.statements),
  });
  return {
    finalPayments,
    perPayment: Object.fromEntries(deltas.map(([service, delta]) => [service, perPaymentOf(delta)])),
    totalPerPayment: perPaymentOf(total),
  };
}

/** "database work per final payment: 75.8 statements, 10.7 transactions, 14.2 rows written (payments 27.8 st / 4.5 tx / 5.1 rows, ...)". */
export function databaseWorkText(work: DatabaseWorkFigures | null): string {
  if (!work) return 'database work: not measured (the stack\'s PostgreSQL could not be read)';
  const counts = (counters: DatabaseCounters, short: boolean): string =>
    [counters.statements === null ? null : `${counters.statements}${short ? ' st' : ' statements'}`, `${counters.transactions}${short ? ' tx' : ' transactions'}`, `${counters.rowsWritten}${short ? ' rows' : ' rows written'}`]
      .filter((part): part is string => part !== null)
      .join(short ? ' / ' : ', ');
  const services = Object.entries(work.perPayment)
    .map(([service, counters]) => `${service} ${counts(counters, true)}`)
    .join(', ');
  const statementsNote = work.totalPerPayment.statements === null ? '; statements not counted (pg_stat_statements is not in kirim_payments)' : '';
  return `database work per final payment: ${counts(work.totalPerPayment, false)} (${services})${statementsNote}`;
}

/** Runs one statement in one of the stack's databases (by name). */
export type RunInDatabase = (database: string, sql: string) => Promise<void>;

export interface VacuumOutcome {
  readonly vacuumed: readonly string[];
  /** Databases that could not be vacuumed (absent from this stack, or refused), with why. */
  readonly skipped: ReadonlyArray<{ readonly database: string; readonly reason: string }>;
}

/**
 * Vacuums and analyzes each of the stack's databases before a step, so every step starts from what
 * autovacuum would leave: the PostgreSQL on these machines runs with `autovacuum = off`, and without
 * this a sitting's later steps measure the dead rows of its earlier ones (docs/benchmarks.md,
 * thirteenth pass). A database that cannot be vacuumed is reported, and the step goes on.
 */
export async function vacuumDatabases(run: RunInDatabase, services: readonly string[] = STACK_DATABASE_SERVICES): Promise<VacuumOutcome> {
  const vacuumed: string[] = [];
  const skipped: Array<{ database: string; reason: string }> = [];
  for (const service of services) {
    const database = databaseNameOf(service);
    try {
      await run(database, 'VACUUM (ANALYZE)');
      vacuumed.push(database);
    } catch (error) {
      skipped.push({ database, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { vacuumed, skipped };
}

/** vacuumDatabases on the stack's server, one connection per database. */
export function vacuumStackDatabases(serverUrl: string = testDatabaseServerUrl()): Promise<VacuumOutcome> {
  return vacuumDatabases(async (database, sql) => {
    await withStackDatabase(serverUrl, database, (client) => client.query(sql));
  });
}
