import { DataSource, MigrationExecutor, QueryRunner } from 'typeorm';

/**
 * The key of the session-level advisory lock every migration run holds. Advisory locks belong to one
 * database, so one fixed key serves each service's own database. It is "kirimMIG" read as a bigint:
 * outside the int4 range, so it never meets the other one-key advisory locks here, which are small
 * constants or hashtext() values (the outbox relay). A string, since it is beyond a JS number's precision.
 */
export const MIGRATIONS_LOCK_KEY = '7739843231743822151';

/** A migration that failed; the ones before it in the same run are applied (each has its own transaction). */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';

  constructor(
    readonly migration: string,
    readonly applied: readonly string[],
    cause: unknown,
  ) {
    super(`migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The service would start on a schema older than its code: it does not migrate at boot, and its migrate command has not run. */
export class PendingMigrationsError extends Error {
  override readonly name = 'PendingMigrationsError';

  constructor(readonly pending: readonly string[]) {
    super(
      `${pending.length} migration(s) pending (${pending.join(', ')}) and DATABASE_MIGRATIONS_AT_BOOT is false: ` +
        "run the service's migrate command (its Kubernetes Job) first",
    );
  }
}

/**
 * Applies the pending migrations of an initialised data source while holding the migrations lock, so
 * two processes (replicas booting together, a Job and a pod) never run them at once: the second waits,
 * then finds nothing left to do. Everything runs on one connection, the one whose session holds the
 * lock; each migration in its own transaction, so a failed one leaves the earlier ones applied.
 * Returns the names of the migrations applied, in the order they ran.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    // A process killed while waiting or migrating ends its session, and PostgreSQL drops the lock
    // (and rolls back the migration in flight) with it.
    await queryRunner.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATIONS_LOCK_KEY]);
    let failure: unknown;
    try {
      return await executePendingMigrations(dataSource, queryRunner);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      // A failed unlock means the session is gone, and the lock with it: the migration error says more.
      await queryRunner.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATIONS_LOCK_KEY]).catch((unlockError: unknown) => {
        if (failure === undefined) throw unlockError;
      });
    }
  } finally {
    await queryRunner.release();
  }
}

async function executePendingMigrations(dataSource: DataSource, queryRunner: QueryRunner): Promise<string[]> {
  const executor = new MigrationExecutor(dataSource, queryRunner);
  // Naming the failed migration below relies on this: with one transaction per migration, the
  // first still pending after a failure is the one that failed.
  executor.transaction = 'each';
  const pending = await pendingNames(executor);
  try {
    return (await executor.executePendingMigrations()).map((migration) => migration.name);
  } catch (error) {
    // Unreadable (the connection is gone, say): the error as it came, rather than a guess.
    const stillPending = await pendingNames(executor).then((names) => new Set(names), () => undefined);
    const failed = stillPending && pending.find((name) => stillPending.has(name));
    if (!stillPending || failed === undefined) throw error;
    throw new MigrationFailedError(
      failed,
      pending.filter((name) => !stillPending.has(name)),
      error,
    );
  }
}

/** The migrations of `dataSource` not yet applied, read without writing anything (not even the migrations table). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  return pendingNames(new MigrationExecutor(dataSource));
}

async function pendingNames(executor: MigrationExecutor): Promise<string[]> {
  return (await executor.getPendingMigrations()).map((migration) => migration.name);
}
