/**
 * bank-connector's re-encryption job (the sandbox banks' account numbers, holder names, mobiles):
 * libs/platform runReencryptionJob.
 *
 *   npm run reencrypt -- bank-connector            (the local stack: scripts/stack.sh gives it the service's env)
 *   node dist/apps/bank-connector/apps/bank-connector/src/reencrypt-data.js   (a container, with the service's env)
 */
import 'reflect-metadata';
import { runReencryptionJob } from '@kirim/platform';
import { bankConnectorDataSourceInput } from './bank-connector.persistence';
import { BANK_CONNECTOR_ENCRYPTED_TABLES } from './sandbox-bank/sandbox-account-encryption';

runReencryptionJob({ service: 'bank-connector', dataSourceInput: bankConnectorDataSourceInput, tables: BANK_CONNECTOR_ENCRYPTED_TABLES });
