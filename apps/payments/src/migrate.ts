/**
 * payments' migrate command: applies its pending migrations under the migrations lock and exits
 * (libs/platform runMigrateCommand; docs/data-at-rest.md, "Database roles"). Needs DATABASE_URL only.
 *
 *   node dist/apps/payments/apps/payments/src/migrate.js        (a container: the Kubernetes migrate Job)
 *   node -r ./tools/ts-register.cjs apps/payments/src/migrate.ts   (from the repository)
 */
import 'reflect-metadata';
import { MESSAGING_ENTITIES } from '@kirim/messaging';
import { MigrateCommand, runMigrateCommand } from '@kirim/platform';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { PAYMENT_ENTITIES } from './payment/payment-entities';

export const migrateCommand: MigrateCommand = {
  service: 'payments',
  dataSourceInput: (url) => ({ url, entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS, applicationName: 'kirim-payments' }),
};

// Imported by its tests, run as a program by the Job.
if (require.main === module) runMigrateCommand(migrateCommand);
