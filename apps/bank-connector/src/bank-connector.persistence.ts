import { MESSAGING_ENTITIES } from '@kirim/messaging';
import type { ServiceDataSourceInput } from '@kirim/platform';
import { BANK_CONNECTOR_MIGRATIONS } from './migrations';
import { SANDBOX_BANK_ENTITIES } from './sandbox-bank/sandbox-bank.entities';

/** The one description of this service's schema, shared by the app and the integration tests. */
export const BANK_CONNECTOR_SCHEMA: Pick<ServiceDataSourceInput, 'entities' | 'migrations'> = {
  entities: [...MESSAGING_ENTITIES, ...SANDBOX_BANK_ENTITIES],
  migrations: BANK_CONNECTOR_MIGRATIONS,
};

export function bankConnectorDataSourceInput(url: string): ServiceDataSourceInput {
  return { url, ...BANK_CONNECTOR_SCHEMA, applicationName: 'kirim-bank-connector' };
}
