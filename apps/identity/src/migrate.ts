/**
 * identity's migrate command: applies its pending migrations under the migrations lock and exits
 * (libs/platform runMigrateCommand; docs/data-at-rest.md, "Database roles"). Needs DATABASE_URL and the
 * data keys (DATA_ENCRYPTION_KEYS, DATA_ENCRYPTION_ACTIVE_KEY_ID, DATA_LOOKUP_KEY): the migration that
 * encrypts existing phone numbers and names is built with them.
 *
 *   node dist/apps/identity/apps/identity/src/migrate.js        (a container: the Kubernetes migrate Job)
 *   node -r ./tools/ts-register.cjs apps/identity/src/migrate.ts   (from the repository)
 */
import 'reflect-metadata';
import { MigrateCommand, runMigrateCommand } from '@kirim/platform';
import { identityDataSourceInput } from './identity.persistence';

export const migrateCommand: MigrateCommand = { service: 'identity', needsDataKeys: true, dataSourceInput: identityDataSourceInput };

// Imported by its tests, run as a program by the Job.
if (require.main === module) runMigrateCommand(migrateCommand);
