import { MESSAGING_ENTITIES } from '@kirim/messaging';
import type { ServiceDataSourceInput } from '@kirim/platform';
import { BANK_CONNECTOR_MIGRATIONS } from './migrations';
import { DataProtectionKeys, encryptPersonalData1764610000000 } from './migrations/1764610000000-encrypt-personal-data';
import { SANDBOX_BANK_ENTITIES } from './sandbox-bank/sandbox-bank.entities';

export type { DataProtectionKeys } from './migrations/1764610000000-encrypt-personal-data';

/**
 * The one description of this service's schema, shared by the app and the integration tests. The
 * keys are part of it: the migration that encrypts the existing personal data needs them
 * (docs/data-at-rest.md).
 */
export function bankConnectorSchema(keys: DataProtectionKeys): Pick<ServiceDataSourceInput, 'entities' | 'migrations'> {
  // TypeORM orders migrations by the timestamp in their names, not by their place in this list.
  return { entities: [...MESSAGING_ENTITIES, ...SANDBOX_BANK_ENTITIES], migrations: [...BANK_CONNECTOR_MIGRATIONS, encryptPersonalData1764610000000(keys)] };
}

export function bankConnectorDataSourceInput(url: string, keys: DataProtectionKeys): ServiceDataSourceInput {
  return { url, ...bankConnectorSchema(keys), applicationName: 'kirim-bank-connector' };
}
