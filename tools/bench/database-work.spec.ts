import { databaseNameOf, databaseWorkBetween, databaseWorkText, DatabaseWorkSnapshot, QueryRows, readDatabaseCounters, vacuumDatabases } from './database-work';

/** Answers the two statistics queries from fixed rows, as PostgreSQL would (bigint counters as strings). */
function fakeServer(counters: Array<[string, number, number]>, statements: Array<[string, number]> | 'no pg_stat_statements'): { query: QueryRows; asked: unknown[][] } {
  const asked: unknown[][] = [];
  const query: QueryRows = async (sql, parameters = []) => {
    asked.push(parameters);
    const names = parameters[0] as string[];
    if (sql.includes('pg_stat_statements')) {
      if (statements === 'no pg_stat_statements') throw new Error('relation "pg_stat_statements" does not exist');
      return statements.filter(([name]) => names.includes(name)).map(([datname, calls]) => ({ datname, statements: String(calls) }));
    }
    return counters.filter(([name]) => names.includes(name)).map(([datname, transactions, rows]) => ({ datname, transactions: String(transactions), rows_written: String(rows) }));
  };
  return { query, asked };
}

describe('databaseNameOf', () => {
  it('names a service database as scripts/stack.sh does', () => {
    expect(databaseNameOf('bank-connector')).toBe('kirim_bank_connector');
    expect(databaseNameOf('payments')).toBe('kirim_payments');
  });
});

describe('readDatabaseCounters', () => {
  it("reads each stack database's transactions, rows written and statements, and nothing of other databases", async () => {
    const { query, asked } = fakeServer(
      [
        ['kirim_payments', 100, 40],
        ['kirim_identity', 10, 2],
        ['kirim_bench_ceiling_ab12', 9_999, 9_999],
      ],
      [
        ['kirim_payments', 700],
        ['kirim_identity', 50],
        ['postgres', 3],
      ],
    );
    const snapshot = await readDatabaseCounters(query, ['payments', 'identity']);
    expect(asked.every(([names]) => JSON.stringify(names) === JSON.stringify(['kirim_payments', 'kirim_identity']))).toBe(true);
    expect(Object.fromEntries(snapshot)).toEqual({
      payments: { transactions: 100, rowsWritten: 40, statements: 700 },
      identity: { transactions: 10, rowsWritten: 2, statements: 50 },
    });
  });

  it('reports no statements when pg_stat_statements cannot be read, and still the rest', async () => {
    const { query } = fakeServer([['kirim_payments', 100, 40]], 'no pg_stat_statements');
    expect(Object.fromEntries(await readDatabaseCounters(query, ['payments']))).toEqual({ payments: { transactions: 100, rowsWritten: 40, statements: null } });
  });
});

describe('databaseWorkBetween', () => {
  const snapshot = (entries: Array<[string, number, number, number | null]>): DatabaseWorkSnapshot =>
    new Map(entries.map(([service, transactions, rowsWritten, statements]) => [service, { transactions, rowsWritten, statements }]));

  it('divides what each database did in between by the payments made final, heaviest first, and totals it', () => {
    const before = snapshot([
      ['identity', 100, 10, 1_000],
      ['payments', 1_000, 500, 10_000],
    ]);
    const after = snapshot([
      ['identity', 130, 10, 1_135],
      ['payments', 1_135, 725, 11_250],
    ]);
    expect(databaseWorkBetween(before, after, 30)).toEqual({
      finalPayments: 30,
      perPayment: { payments: { transactions: 4.5, rowsWritten: 7.5, statements: 41.7 }, identity: { transactions: 1, rowsWritten: 0, statements: 4.5 } },
      totalPerPayment: { transactions: 5.5, rowsWritten: 7.5, statements: 46.2 },
    });
  });

  it('counts a database that appeared in between from zero, a counter reset as nothing, and statements only when every database has them', () => {
    const work = databaseWorkBetween(snapshot([['payments', 500, 500, 900]]), snapshot([['payments', 100, 100, 100], ['identity', 20, 4, null]]), 10);
    expect(work.perPayment).toEqual({ identity: { transactions: 2, rowsWritten: 0.4, statements: null }, payments: { transactions: 0, rowsWritten: 0, statements: 0 } });
    expect(work.totalPerPayment.statements).toBeNull();
  });

  it('gives zeros rather than dividing by no payments', () => {
    expect(databaseWorkBetween(snapshot([['payments', 1, 1, 1]]), snapshot([['payments', 9, 9, 9]]), 0).totalPerPayment).toEqual({ transactions: 0, rowsWritten: 0, statements: 0 });
  });
});

describe('databaseWorkText', () => {
  it('says the statements, transactions and rows per final payment, in all and per database', () => {
    const text = databaseWorkText({
      finalPayments: 450,
      perPayment: { payments: { transactions: 4.5, rowsWritten: 5.1, statements: 27.8 }, identity: { transactions: 0.3, rowsWritten: 0.9, statements: 4.4 } },
      totalPerPayment: { transactions: 4.8, rowsWritten: 6, statements: 32.2 },
    });
    expect(text).toBe('database work per final payment: 32.2 statements, 4.8 transactions, 6 rows written (payments 27.8 st / 4.5 tx / 5.1 rows, identity 4.4 st / 0.3 tx / 0.9 rows)');
  });

  it('leaves statements out, and says why, when they were not counted; and says so when nothing was read', () => {
    expect(databaseWorkText({ finalPayments: 1, perPayment: { payments: { transactions: 4, rowsWritten: 5, statements: null } }, totalPerPayment: { transactions: 4, rowsWritten: 5, statements: null } })).toBe(
      'database work per final payment: 4 transactions, 5 rows written (payments 4 tx / 5 rows); statements not counted (pg_stat_statements is not in kirim_payments)',
    );
    expect(databaseWorkText(null)).toBe("database work: not measured (the stack's PostgreSQL could not be read)");
  });
});

describe('vacuumDatabases', () => {
  it("vacuums and analyzes each of the stack's databases, and reports one it could not without stopping", async () => {
    const ran: Array<[string, string]> = [];
    const outcome = await vacuumDatabases(async (database, sql) => {
      if (database === 'kirim_example_partner') throw new Error('database "kirim_example_partner" does not exist');
      ran.push([database, sql]);
    });

    expect(ran).toEqual([
      ['kirim_payments', 'VACUUM (ANALYZE)'],
      ['kirim_bank_connector', 'VACUUM (ANALYZE)'],
      ['kirim_notifications', 'VACUUM (ANALYZE)'],
      ['kirim_identity', 'VACUUM (ANALYZE)'],
    ]);
    expect(outcome).toEqual({
      vacuumed: ['kirim_payments', 'kirim_bank_connector', 'kirim_notifications', 'kirim_identity'],
      skipped: [{ database: 'kirim_example_partner', reason: 'database "kirim_example_partner" does not exist' }],
    });
  });
});
