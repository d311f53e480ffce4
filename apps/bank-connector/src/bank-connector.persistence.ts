import { MESSAGING_ENTITIES } from '@kirim/messaging';
import type { ServiceDataSourceInput } from '@kirim/platform';
import { BANK_CONNECTOR_MIGRATIONS } from './migrations';
import { SANDBOX_BANK_ENTITIES } from './sandbox-bank/sandbox-bank.entities';

/** The one description of this service's database, shared by the app and the integration tests. */
export function bankConnectorDataSourceInput(url: string): ServiceDataSourceInput {
  return {
    url,
    entities: [...MESSAGING_ENTITIES, ...SANDBOX_BANK_ENTITIES],
    migrations: BANK_CONNECTOR_MIGRATIONS,
    applicationName: 'kirim-bank-connector',
  };
}
