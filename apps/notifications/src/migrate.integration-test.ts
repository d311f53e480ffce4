/**
 * notifications' migrate command, against the real PostgreSQL: two runs started
 * together on a fresh database both succeed and apply each migration exactly once (the lock).
 */
import { describeMigrateCommand } from '@kirim/testing';
import { NOTIFICATIONS_MIGRATIONS } from './persistence/notifications-migrations';
import { migrateCommand } from './migrate';

describeMigrateCommand(migrateCommand, { migrations: NOTIFICATIONS_MIGRATIONS.length });
