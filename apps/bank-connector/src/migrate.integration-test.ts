/**
 * bank-connector's migrate command (with its data keys), against the real PostgreSQL: two runs started
 * together on a fresh database both succeed and apply each migration exactly once (the lock).
 */
import { describeMigrateCommand, testDataProtection } from '@kirim/testing';
import { bankConnectorSchema } from './bank-connector.persistence';
import { migrateCommand } from './migrate';

describeMigrateCommand(migrateCommand, { migrations: (bankConnectorSchema(testDataProtection()).migrations as unknown[]).length });
