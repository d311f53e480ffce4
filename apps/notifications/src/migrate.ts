/**
 * notifications' migrate command: applies its pending migrations under the migrations lock and exits
 * (libs/platform runMigrateCommand; docs/data-at-rest.md, "Database roles"). Needs DATABASE_URL only:
 * no migration of notifications converts data with its keys.
 *
 *   node dist/apps/notifications/apps/notifications/src/migrate.js        (a container: the Kubernetes migrate Job)
 *   node -r ./tools/ts-register.cjs apps/notifications/src/migrate.ts   (from the repository)
 */
import 'reflect-metadata';
import { MigrateCommand, runMigrateCommand } from '@kirim/platform';
import { NOTIFICATIONS_ENTITIES } from './persistence/notifications-entities';
import { NOTIFICATIONS_MIGRATIONS } from './persistence/notifications-migrations';

export const migrateCommand: MigrateCommand = {
  service: 'notifications',
  dataSourceInput: (url) => ({ url, entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS, applicationName: 'kirim-notifications' }),
};

// Imported by its tests, run as a program by the Job.
if (require.main === module) runMigrateCommand(migrateCommand);
