import { IsDefined } from 'class-validator';
import { bootService } from '../bootstrap/boot-service';
import { IsUrlWithProtocol } from '../config/env-validators';
import { loadConfig } from '../config/load-config';
import { openServiceDataSource, ServiceDataSourceInput, typeOrmOptions } from '../persistence/service-data-source';
import { DataEncryptionConfig } from './data-encryption.config';
import { FieldEncryption } from './field-encryption';
import { LookupHasher } from './lookup-hash';
import { countValuesByKeyId, EncryptedTable, reencryptTable } from './reencrypt-table';

class ReencryptionJobConfig {
  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['postgres', 'postgresql'])
  DATABASE_URL!: string;
}

export interface ReencryptionJob {
  readonly service: string;
  /** The service's own data source (entities and migrations built with its keys). */
  readonly dataSourceInput: (url: string, keys: { fields: FieldEncryption; lookups: LookupHasher }) => ServiceDataSourceInput;
  readonly tables: readonly EncryptedTable[];
}

/**
 * A service's re-encryption job (docs/data-at-rest.md, "Rotating a key"), run as its own process:
 * every encrypted value not under DATA_ENCRYPTION_ACTIVE_KEY_ID is re-wrapped under it in short
 * batches, then the values per key id are printed — the evidence that an old key may be retired.
 * Needs the service's DATABASE_URL, DATA_ENCRYPTION_* and DATA_LOOKUP_KEY. Idempotent and safe on
 * several replicas at once (FOR UPDATE SKIP LOCKED); the service keeps running meanwhile. Prints
 * counts and key ids only, never a value or a key.
 */
export function runReencryptionJob(job: ReencryptionJob): void {
  const report = (line: Record<string, unknown>): void => {
    process.stdout.write(`${JSON.stringify({ job: 'reencrypt', service: job.service, ...line })}\n`);
  };
  bootService(async () => {
    const { DATABASE_URL } = loadConfig(ReencryptionJobConfig);
    const keys = loadConfig(DataEncryptionConfig);
    const fields = FieldEncryption.fromConfig(keys);
    const lookups = LookupHasher.fromConfig(keys);
    // Migrations run first, under the lock a pod or the migrate Job takes: a database not yet
    // converted is converted first.
    const input = job.dataSourceInput(DATABASE_URL, { fields, lookups });
    const dataSource = await openServiceDataSource({ ...typeOrmOptions({ ...input, applicationName: `kirim-${job.service}-reencrypt` }), extra: { max: 2 } });
    try {
      report({ activeKeyId: fields.activeKeyId });
      for (const table of job.tables) {
        const done = await reencryptTable(dataSource, fields, table, { onBatch: (progress) => report({ ...progress }) });
        report({ table: table.table, reencryptedRows: done.rows, valuesByKeyId: Object.fromEntries(await countValuesByKeyId(dataSource, table)) });
      }
    } finally {
      await dataSource.destroy();
    }
  }, `${job.service}-reencrypt`);
}
