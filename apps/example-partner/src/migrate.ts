/**
 * The example partner bank's migrate command: applies its ledger's pending migrations (under their
 * advisory lock, see ledger/migrations.ts) and exits 0, or 1 with the reason. Needs DATABASE_URL only.
 * Logs in the bank's own shape (the kit's JSON lines), one line per applied migration.
 *
 *   node dist/apps/example-partner/apps/example-partner/src/migrate.js        (a container: a migrate Job)
 *   node -r ./tools/ts-register.cjs apps/example-partner/src/migrate.ts   (from the repository)
 */
import { jsonLinesLogger } from '@kirim/partner-kit';
import { createPool } from './ledger/database';
import { migrate } from './ledger/migrations';

const logger = jsonLinesLogger({ name: 'example-partner', level: 'info' });

async function run(): Promise<string[]> {
  const url = process.env.DATABASE_URL?.trim();
  if (!url) throw new Error("DATABASE_URL is required: the bank's own PostgreSQL database, postgres://user@host:port/name");
  if (!/^postgres(ql)?:\/\/\S+$/.test(url)) throw new Error('DATABASE_URL must be a postgres:// URL');
  // migrate() works in one transaction: one connection is all it takes.
  const pool = createPool(url, 1);
  try {
    return await migrate(pool);
  } finally {
    await pool.end();
  }
}

run().then(
  (applied) => {
    for (const version of applied) logger.info('migration applied', { job: 'migrate', migration: version });
    logger.info(applied.length > 0 ? 'migrations applied' : 'no migration pending', { job: 'migrate', applied: applied.length });
    process.exit(0);
  },
  (error: unknown) => {
    logger.error('migrate failed', { job: 'migrate', reason: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
