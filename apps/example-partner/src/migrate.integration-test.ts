/**
 * The example partner's migrations against the real PostgreSQL: two runs started together on a fresh
 * database both succeed and apply each migration exactly once (their advisory lock). Its migrate
 * command run as a Job runs it, a process: exit 0 with one JSON line per applied migration, or exit 1
 * with the reason.
 */
import { Pool } from 'pg';
import { freshDatabasePerTest, runMigrateProcess } from '@kirim/testing';
import { createPool } from './ledger/database';
import { migrate, MIGRATIONS } from './ledger/migrations';

const VERSIONS = MIGRATIONS.map((migration) => migration.version).toSorted();

describe('example-partner migrations', () => {
  // The bank's own migrations table, not TypeORM's: kirim's migrate command helpers do not apply.
  const database = freshDatabasePerTest('example_partner_migrate');

  async function recordedVersions(): Promise<string[]> {
    const { rows } = await database.client.query<{ version: string }>('SELECT version FROM schema_migrations');
    return rows.map((row) => row.version).toSorted();
  }

  it('applies each migration once when two runs start together', async () => {
    const pools: Pool[] = [createPool(database.url, 1), createPool(database.url, 1)];
    // pg-pool's end() resolves once it has asked its connections to close, not once they have: the
    // database's forced drop after the test may end one first, which the pool reports as an error.
    for (const pool of pools) pool.on('error', () => undefined);
    try {
      const runs = await Promise.all(pools.map((pool) => migrate(pool)));

      // Whoever took the lock first applied them all; the other found nothing left.
      expect(runs.map((applied) => applied.length).toSorted()).toEqual([0, VERSIONS.length]);
      expect(await recordedVersions()).toEqual(VERSIONS);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('as a process: exits 0 with one JSON line per applied migration', async () => {
    const run = await runMigrateProcess('apps/example-partner/src/migrate.ts', { DATABASE_URL: database.url });

    expect(run.code).toBe(0);
    expect(run.lines.filter((line) => line.msg === 'migration applied').map((line) => line.migration)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(await recordedVersions()).toEqual(VERSIONS);
  });

  it('as a process: exits 1 with the reason when DATABASE_URL is not a postgres:// URL', async () => {
    const run = await runMigrateProcess('apps/example-partner/src/migrate.ts', { DATABASE_URL: 'mysql://bank@127.0.0.1/ledger' });

    expect(run.code).toBe(1);
    expect(run.lines).toEqual([expect.objectContaining({ level: 'error', msg: 'migrate failed', reason: 'DATABASE_URL must be a postgres:// URL' })]);
  });
});
