import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface ServiceDataSourceInput {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity/migration list type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Shown in pg_stat_activity, so a DBA can tell which service holds a connection. */
  applicationName: string;
}

/**
 * PostgreSQL options shared by the Nest module and the migration CLI. Schema changes only by
 * migrations, run at boot, each in its own transaction so one bad migration leaves the earlier ones applied.
 */
export function typeOrmOptions(input: ServiceDataSourceInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.url,
    entities: input.entities,
    migrations: input.migrations,
    applicationName: input.applicationName,
    synchronize: false,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    // 10 per pod keeps replicas x services under PostgreSQL's default max_connections (100).
    extra: { max: 10, connectionTimeoutMillis: 2000 },
  };
}

/** For `TypeOrmModule.forRoot(...)`: PostgreSQL may still be starting when the pod boots, so retry for ~10 s. */
export function typeOrmModuleOptions(input: ServiceDataSourceInput): TypeOrmModuleOptions {
  return { ...typeOrmOptions(input), retryAttempts: 10, retryDelay: 1000 };
}
