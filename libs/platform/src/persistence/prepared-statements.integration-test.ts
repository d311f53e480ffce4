/**
 * Prepared statements against the real PostgreSQL: statements a connection repeats are prepared on
 * the server and answer as before; an error in a prepared statement, or a Parse refused in an
 * aborted transaction, leaves the connection and the statement usable after the rollback.
 */
import { DataSource, QueryRunner } from 'typeorm';
import { typeOrmOptions } from './service-data-source';

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ONE_DIVIDED = 'SELECT 100 / $1::int AS quotient';

interface PreparedRow {
  statement: string;
  executions: number;
}

describe('prepared statements on the real PostgreSQL', () => {
  const opened: DataSource[] = [];

  /** One connection (a query runner) of a data source with the given threshold. */
  async function connection(threshold: number): Promise<QueryRunner> {
    const dataSource = new DataSource(
      typeOrmOptions({ url: SERVER_URL, entities: [], migrations: [], applicationName: 'kirim-prepared-statements-it' }, { DATABASE_MIGRATIONS_AT_BOOT: false, DATABASE_PREPARE_THRESHOLD: threshold }),
    );
    await dataSource.initialize();
    opened.push(dataSource);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    return runner;
  }

  /** What this session has prepared, and how often each ran (PostgreSQL counts the plans it used). */
  async function preparedOn(runner: QueryRunner): Promise<PreparedRow[]> {
    const rows: { statement: string; executions: string }[] = await runner.query(
      `SELECT statement, (generic_plans + custom_plans)::text AS executions FROM pg_prepared_statements WHERE statement NOT LIKE '%pg_prepared_statements%' ORDER BY statement`,
    );
    return rows.map((row) => ({ statement: row.statement, executions: Number(row.executions) }));
  }

  afterAll(async () => {
    for (const dataSource of opened) await dataSource.destroy();
  });

  it('prepares a statement on its threshold-th use and runs it prepared from then on, with the same answers', async () => {
    const runner = await connection(2);
    const answers: unknown[] = [];
    for (const divisor of [1, 2, 4, 5]) answers.push(await runner.query(ONE_DIVIDED, [divisor]));

    expect(answers).toEqual([[{ quotient: 100 }], [{ quotient: 50 }], [{ quotient: 25 }], [{ quotient: 20 }]]);
    // Prepared on the second use, which ran it; the third and fourth ran it again.
    expect(await preparedOn(runner)).toEqual([{ statement: ONE_DIVIDED, executions: 3 }]);
    await runner.release();
  });

  it('keeps the connection and the statement usable after the statement fails inside a transaction', async () => {
    const runner = await connection(1);
    await runner.startTransaction();
    await expect(runner.query(ONE_DIVIDED, [0])).rejects.toThrow(/division by zero/);
    // The transaction is aborted: a first use of another statement is refused at its Parse.
    await expect(runner.query('SELECT $1::int + 1 AS next', [1])).rejects.toThrow(/current transaction is aborted/);
    await runner.rollbackTransaction();

    expect(await runner.query(ONE_DIVIDED, [10])).toEqual([{ quotient: 10 }]);
    expect(await runner.query('SELECT $1::int + 1 AS next', [1])).toEqual([{ next: 2 }]);
    expect((await preparedOn(runner)).map((row) => row.statement).sort()).toEqual([ONE_DIVIDED, 'SELECT $1::int + 1 AS next'].sort());
    await runner.release();
  });

  it('prepares nothing with threshold 0', async () => {
    const runner = await connection(0);
    for (const divisor of [1, 2, 3, 4, 5, 6]) await runner.query(ONE_DIVIDED, [divisor]);
    expect(await preparedOn(runner)).toEqual([]);
    await runner.release();
  });
});
