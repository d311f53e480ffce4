import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import type { BaseServiceConfig } from '../config/base-service.config';
import { pendingMigrations, PendingMigrationsError, runMigrationsLocked } from './migrations-lock';
import { DEFAULT_PREPARE_THRESHOLD, PREPARED_STATEMENTS_PER_CONNECTION, preparingClient } from './prepared-statements';

export interface ServiceDataSourceInput {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity/migration list type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Shown in pg_stat_activity, so a DBA can tell which service holds a connection. */
  applicationName: string;
}

/** The database settings that shape a data source beyond its input (BaseServiceConfig carries them). */
export type DatabaseSettings = Pick<BaseServiceConfig, 'DATABASE_MIGRATIONS_AT_BOOT' | 'DATABASE_PREPARE_THRESHOLD'>;

/** BaseServiceConfig's defaults, for the jobs and tests that have no service config. */
const DEFAULT_SETTINGS: DatabaseSettings = { DATABASE_MIGRATIONS_AT_BOOT: true, DATABASE_PREPARE_THRESHOLD: DEFAULT_PREPARE_THRESHOLD };

/**
 * PostgreSQL options shared by the Nest module, the jobs and the tests. Schema changes only by
 * migrations, each in its own transaction so one bad migration leaves the earlier ones applied; at
 * boot unless DATABASE_MIGRATIONS_AT_BOOT is false (`migrationsRun`). Open the data source with
 * `openServiceDataSource`, which runs them under the migrations lock; TypeORM's own `initialize()`
 * would run them unlocked.
 */
export function typeOrmOptions(input: ServiceDataSourceInput, settings: DatabaseSettings = DEFAULT_SETTINGS): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.url,
    entities: input.entities,
    migrations: input.migrations,
    applicationName: input.applicationName,
    synchronize: false,
    migrationsRun: settings.DATABASE_MIGRATIONS_AT_BOOT,
    migrationsTransactionMode: 'each',
    // 10 per pod keeps replicas x services under PostgreSQL's default max_connections (100).
    // Statements a connection repeats run prepared (prepared-statements.ts).
    extra: {
      max: 10,
      connectionTimeoutMillis: 2000,
      Client: preparingClient({ threshold: settings.DATABASE_PREPARE_THRESHOLD, maxPerConnection: PREPARED_STATEMENTS_PER_CONNECTION }),
    },
  };
}

/**
 * For `TypeOrmModule.forRootAsync({ useFactory, dataSourceFactory: openServiceDataSource })`:
 * PostgreSQL may still be starting when the pod boots, so retry for ~10 s. A service that does not
 * migrate at boot retries too while migrations are pending, which gives its migrate Job a moment.
 */
export function typeOrmModuleOptions(input: ServiceDataSourceInput, settings: DatabaseSettings = DEFAULT_SETTINGS): TypeOrmModuleOptions {
  return { ...typeOrmOptions(input, settings), retryAttempts: 10, retryDelay: 1000 };
}

/**
 * Initialises a service's data source: with `migrationsRun`, applies the pending migrations under the
 * migrations lock (replicas booting together take turns, and the later ones find nothing to do);
 * without it, refuses a schema older than the code, so a service never serves on a half-migrated
 * database. Fits `TypeOrmModule.forRootAsync({ dataSourceFactory })`.
 */
export async function openServiceDataSource(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('openServiceDataSource needs the data source options');
  const dataSource = new DataSource({ ...options, migrationsRun: false });
  await dataSource.initialize();
  try {
    if (options.migrationsRun) {
      await runMigrationsLocked(dataSource);
    } else {
      const pending = await pendingMigrations(dataSource);
      if (pending.length > 0) throw new PendingMigrationsError(pending);
    }
    return dataSource;
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}
