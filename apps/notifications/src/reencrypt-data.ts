/**
 * notifications' re-encryption job (merchants' webhook secrets): libs/platform runReencryptionJob.
 *
 *   npm run reencrypt -- notifications            (the local stack: scripts/stack.sh gives it the service's env)
 *   node dist/apps/notifications/apps/notifications/src/reencrypt-data.js   (a container, with the service's env)
 */
import 'reflect-metadata';
import { runReencryptionJob } from '@kirim/platform';
import { NOTIFICATIONS_ENCRYPTED_TABLES } from './persistence/notifications-encrypted-data';
import { NOTIFICATIONS_ENTITIES } from './persistence/notifications-entities';
import { NOTIFICATIONS_MIGRATIONS } from './persistence/notifications-migrations';

// No migration of notifications needs the keys (the secret columns were encrypted from the start),
// so the schema is the app's own.
runReencryptionJob({
  service: 'notifications',
  dataSourceInput: (url) => ({ url, entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS, applicationName: 'kirim-notifications' }),
  tables: NOTIFICATIONS_ENCRYPTED_TABLES,
});
