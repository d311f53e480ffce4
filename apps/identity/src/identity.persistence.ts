import { MESSAGING_ENTITIES } from '@kirim/messaging';
import type { ServiceDataSourceInput } from '@kirim/platform';
import { DataProtectionKeys, encryptPersonalData1764650000000 } from './migrations/1764650000000-encrypt-personal-data';
import { IDENTITY_ENTITIES } from './persistence/identity-entities';
import { IDENTITY_MIGRATIONS } from './persistence/identity-migrations';

export type { DataProtectionKeys } from './migrations/1764650000000-encrypt-personal-data';

/**
 * The one description of this service's schema, shared by the app, the re-encryption job and the
 * integration tests. The keys are part of it: the migration that encrypts the existing personal data
 * needs them (docs/data-at-rest.md).
 */
export function identitySchema(keys: DataProtectionKeys): Pick<ServiceDataSourceInput, 'entities' | 'migrations'> {
  // TypeORM orders migrations by the timestamp in their names, not by their place in this list.
  return { entities: [...IDENTITY_ENTITIES, ...MESSAGING_ENTITIES], migrations: [...IDENTITY_MIGRATIONS, encryptPersonalData1764650000000(keys)] };
}

export function identityDataSourceInput(url: string, keys: DataProtectionKeys): ServiceDataSourceInput {
  return { url, ...identitySchema(keys), applicationName: 'kirim-identity' };
}
