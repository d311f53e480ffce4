import { IsDefined } from 'class-validator';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { ConfigError } from '../config/config-error';
import { IsUrlWithProtocol } from '../config/env-validators';
import { loadConfig } from '../config/load-config';
import { DataEncryptionConfig } from '../crypto/data-encryption.config';
import { FieldEncryption } from '../crypto/field-encryption';
import { LookupHasher } from '../crypto/lookup-hash';
import { serializeErrorWithoutData } from '../logging/logging.module';
import { logCensoring } from '../logging/redaction';
import { MigrationFailedError, runMigrationsLocked } from './migrations-lock';
import { ServiceDataSourceInput, typeOrmOptions } from './service-data-source';

/** What a migrate command reads from the environment, besides the data keys of a service whose migrations need them. */
export class MigrateCommandConfig {
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['postgres', 'postgresql'])
  DATABASE_URL!: string;
}

export interface MigrationDataKeys {
  readonly fields: FieldEncryption;
  readonly lookups: LookupHasher;
}

/** A service's migrations: its data source as its app builds it (with its data keys when a migration converts data with them). */
export type MigrateCommand = { readonly service: string } & (
  | { readonly needsDataKeys?: false; readonly dataSourceInput: (url: string) => ServiceDataSourceInput }
  | { readonly needsDataKeys: true; readonly dataSourceInput: (url: string, keys: MigrationDataKeys) => ServiceDataSourceInput }
);

/**
 * A service's migrate command (its Kubernetes Job, before the Deployment's pods, which then run with
 * DATABASE_MIGRATIONS_AT_BOOT=false): applies the pending migrations under the migrations lock, logs
 * one JSON line per applied migration, and exits 0; or logs the reason and exits 1. Safe beside
 * another run or a booting pod: whoever holds the lock migrates, the others wait and find nothing to do.
 */
export function runMigrateCommand(command: MigrateCommand): void {
  // Written synchronously and flushed before exiting: process.exit drops what a busy pipe has not
  // taken yet, and the last line is the one that says how the command ended.
  const destination = pino.destination({ dest: 1, sync: true });
  const logger = pino({ base: { service: command.service, job: 'migrate' }, ...logCensoring({ err: serializeErrorWithoutData }) }, destination);
  const exit = (code: number): never => {
    destination.flushSync();
    return process.exit(code);
  };
  migrateService(command, { onApplied: (migration) => logger.info({ migration }, 'migration applied') }).then(
    (applied) => {
      logger.info({ applied: applied.length }, applied.length > 0 ? 'migrations applied' : 'no migration pending');
      exit(0);
    },
    (error: unknown) => {
      if (error instanceof MigrationFailedError) {
        logger.fatal({ migration: error.migration, err: error.cause }, 'migration failed');
      } else if (error instanceof ConfigError) {
        // Which variable and which rule, never a value; a stack would say nothing more.
        logger.fatal({ problems: error.problems }, 'migrate failed: invalid configuration');
      } else {
        logger.fatal({ err: error }, 'migrate failed');
      }
      exit(1);
    },
  );
}

/**
 * The migrate command without the process around it: reads DATABASE_URL (and the data keys when the
 * command needs them) from `env`, applies the pending migrations under the migrations lock, calls
 * `onApplied` for each in the order they ran, and returns their names.
 */
export async function migrateService(
  command: MigrateCommand,
  { env = process.env, onApplied = () => undefined }: { env?: NodeJS.ProcessEnv; onApplied?: (migration: string) => void } = {},
): Promise<string[]> {
  const { DATABASE_URL } = loadConfig(MigrateCommandConfig, env);
  // Keys are checked before connecting: a missing one stops the command with the variable's name.
  const input = command.needsDataKeys ? command.dataSourceInput(DATABASE_URL, dataKeysFrom(env)) : command.dataSourceInput(DATABASE_URL);
  const dataSource = new DataSource({
    ...typeOrmOptions({ ...input, applicationName: `kirim-${command.service}-migrate` }),
    // initialize() would migrate without the lock; runMigrationsLocked does it with.
    migrationsRun: false,
    extra: { max: 2, connectionTimeoutMillis: 5000 },
    // TypeORM prints its own migration notes with console.log; here they go to the debug library
    // (DEBUG=typeorm:*), so stdout stays one JSON object per line.
    logger: 'debug',
  });
  await dataSource.initialize();
  try {
    const applied = await runMigrationsLocked(dataSource);
    applied.forEach((migration) => onApplied(migration));
    return applied;
  } catch (error) {
    // The ones before a failed migration stay applied: they are reported as such.
    if (error instanceof MigrationFailedError) error.applied.forEach((migration) => onApplied(migration));
    throw error;
  } finally {
    await dataSource.destroy();
  }
}

function dataKeysFrom(env: NodeJS.ProcessEnv): MigrationDataKeys {
  const config = loadConfig(DataEncryptionConfig, env);
  return { fields: FieldEncryption.fromConfig(config), lookups: LookupHasher.fromConfig(config) };
}
