/**
 * payments' migrate command, against the real PostgreSQL: two runs started
 * together on a fresh database both succeed and apply each migration exactly once (the lock).
 * Run as the Job runs it, a process: exit 0 and one JSON line per applied migration.
 */
import { describeMigrateCommand, recordedMigrations, runMigrateProcess } from '@kirim/testing';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { migrateCommand } from './migrate';

const MIGRATIONS = PAYMENTS_MIGRATIONS.length;

describeMigrateCommand(migrateCommand, { migrations: MIGRATIONS }, (database) => {
  it('as a process: exits 0 with one JSON line per applied migration', async () => {
    const run = await runMigrateProcess('apps/payments/src/migrate.ts', { DATABASE_URL: database.url });

    expect(run.code).toBe(0);
    const applied = run.lines.filter((line) => line.msg === 'migration applied').map((line) => line.migration);
    expect(applied.toSorted()).toEqual(await recordedMigrations(database.client));
    expect(applied).toHaveLength(MIGRATIONS);
    expect(run.lines.at(-1)).toMatchObject({ level: 30, service: 'payments', job: 'migrate', msg: 'migrations applied', applied: MIGRATIONS });
  });
});
