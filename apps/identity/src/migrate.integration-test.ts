/**
 * identity's migrate command (with its data keys), against the real PostgreSQL: two runs started
 * together on a fresh database both succeed and apply each migration exactly once (the lock).
 * Run as the Job runs it, a process: a missing data key exits 1 naming it, before any migration.
 */
import { describeMigrateCommand, recordedMigrations, runMigrateProcess, testDataProtection } from '@kirim/testing';
import { identitySchema } from './identity.persistence';
import { migrateCommand } from './migrate';

const MIGRATIONS = (identitySchema(testDataProtection()).migrations as unknown[]).length;

describeMigrateCommand(migrateCommand, { migrations: MIGRATIONS }, (database) => {
  it('as a process: exits 1 naming a missing data key, before any migration', async () => {
    // Empty counts as unset, whatever the shell running the tests holds.
    const run = await runMigrateProcess('apps/identity/src/migrate.ts', { DATABASE_URL: database.url, DATA_ENCRYPTION_KEYS: '', DATA_ENCRYPTION_ACTIVE_KEY_ID: '', DATA_LOOKUP_KEY: '' });

    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      expect.objectContaining({ level: 60, service: 'identity', msg: 'migrate failed: invalid configuration', problems: expect.arrayContaining([expect.stringMatching(/^DATA_ENCRYPTION_KEYS is required/)]) }),
    ]);
    expect(await recordedMigrations(database.client)).toEqual([]);
  });
});
