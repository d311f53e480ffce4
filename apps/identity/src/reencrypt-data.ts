/**
 * The re-encryption job of identity (docs/data-at-rest.md, "Rotating a key"): every encrypted value
 * (phone numbers, holder names) not under DATA_ENCRYPTION_ACTIVE_KEY_ID is re-wrapped under it, in
 * short batches, then the values per key id are printed, the evidence that an old key may be retired.
 *
 *   npm run reencrypt -- identity            (the local stack: scripts/stack.sh gives it the service's env)
 *   node dist/apps/identity/apps/identity/src/reencrypt-data.js   (a container, with the service's env)
 *
 * Needs the service's DATABASE_URL and its DATA_ENCRYPTION_* and DATA_LOOKUP_KEY. Idempotent, and safe
 * to run on several replicas at once (FOR UPDATE SKIP LOCKED); the service keeps running meanwhile.
 * Prints counts and key ids only, never a value or a key.
 */
import 'reflect-metadata';
import { IsDefined } from 'class-validator';
import {
  bootService,
  countValuesByKeyId,
  DataEncryptionConfig,
  FieldEncryption,
  IsUrlWithProtocol,
  loadConfig,
  LookupHasher,
  reencryptTable,
  typeOrmOptions,
} from '@kirim/platform';
import { DataSource } from 'typeorm';
import { identityDataSourceInput } from './identity.persistence';
import { IDENTITY_ENCRYPTED_TABLES } from './persistence/identity-personal-data';

class ReencryptionJobConfig {
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['postgres', 'postgresql'])
  DATABASE_URL!: string;
}

function report(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ job: 'reencrypt', service: 'identity', ...line })}\n`);
}

async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfig(ReencryptionJobConfig);
  const keys = loadConfig(DataEncryptionConfig);
  const fields = FieldEncryption.fromConfig(keys);
  const lookups = LookupHasher.fromConfig(keys);
  // Migrations run as at the service's boot: a database not yet converted is converted first.
  const dataSource = new DataSource({ ...typeOrmOptions({ ...identityDataSourceInput(DATABASE_URL, { fields, lookups }), applicationName: 'kirim-identity-reencrypt' }), extra: { max: 2 } });
  await dataSource.initialize();
  try {
    report({ activeKeyId: fields.activeKeyId });
    for (const table of IDENTITY_ENCRYPTED_TABLES) {
      const done = await reencryptTable(dataSource, fields, table, { onBatch: (progress) => report({ ...progress }) });
      report({ table: table.table, reencryptedRows: done.rows, valuesByKeyId: Object.fromEntries(await countValuesByKeyId(dataSource, table)) });
    }
  } finally {
    await dataSource.destroy();
  }
}

bootService(main, 'identity-reencrypt');
