/**
 * identity's re-encryption job (phone numbers, holder names): libs/platform runReencryptionJob.
 *
 *   npm run reencrypt -- identity            (the local stack: scripts/stack.sh gives it the service's env)
 *   node dist/apps/identity/apps/identity/src/reencrypt-data.js   (a container, with the service's env)
 */
import 'reflect-metadata';
import { runReencryptionJob } from '@kirim/platform';
import { identityDataSourceInput } from './identity.persistence';
import { IDENTITY_ENCRYPTED_TABLES } from './persistence/identity-personal-data';

runReencryptionJob({ service: 'identity', dataSourceInput: identityDataSourceInput, tables: IDENTITY_ENCRYPTED_TABLES });
