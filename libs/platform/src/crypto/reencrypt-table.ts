import type { DataSource } from 'typeorm';
import { FieldEncryption } from './field-encryption';

/** A column written by FieldEncryption, and the purpose it was encrypted for. */
export interface EncryptedColumn {
  readonly column: string;
  readonly purpose: string;
}

/** A table with encrypted columns, as the re-encryption job walks it. Names are code, never input. */
export interface EncryptedTable {
  readonly table: string;
  readonly idColumn: string;
  /** The id column's SQL type, so the batch update joins on the primary key index. */
  readonly idType: 'uuid' | 'bigint' | 'text';
  readonly columns: readonly EncryptedColumn[];
}

export interface ReencryptionProgress {
  readonly table: string;
  /** Rows whose values were re-wrapped under the active key. */
  readonly rows: number;
  readonly batches: number;
}

export interface ReencryptionOptions {
  /** Rows per transaction: short transactions, so the service's own writes to those rows wait little. */
  readonly batchSize?: number;
  /** Called after each committed batch (progress output of the command). */
  readonly onBatch?: (progress: ReencryptionProgress) => void;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Re-wraps every value of `table` that is not under the active key, in batches of short
 * transactions, until none is left (docs/data-at-rest.md, "Rotation").
 *
 * Several replicas may run it at once: each batch takes its rows `FOR UPDATE SKIP LOCKED`, so two
 * runs never wait on or redo each other's rows. It is idempotent: a row already under the active key
 * is not selected, and a second run finds nothing to do. A value under a key id that is not in
 * DATA_ENCRYPTION_KEYS stops the job with that id (it cannot be opened: the key was retired too
 * early, and must be added back).
 */
export async function reencryptTable(dataSource: DataSource, encryption: FieldEncryption, table: EncryptedTable, options: ReencryptionOptions = {}): Promise<ReencryptionProgress> {
  assertTable(table);
  const batchSize = options.batchSize ?? 200;
  let rows = 0;
  let batches = 0;
  for (;;) {
    const done = await dataSource.transaction(async (manager) => {
      const selected = await manager.query<Array<Record<string, string | null>>>(
        `SELECT ${table.idColumn}::text AS id, ${table.columns.map(({ column }) => column).join(', ')}
           FROM ${table.table}
          WHERE ${notUnderKey(table)}
          ORDER BY ${table.idColumn}
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [encryption.activeKeyId, batchSize],
      );
      if (selected.length === 0) return 0;
      const ids = selected.map((row) => row['id'] as string);
      const columns = table.columns.map(({ column, purpose }) => selected.map((row) => (row[column] == null ? null : encryption.rewrap(purpose, row[column] as string))));
      await manager.query(
        `UPDATE ${table.table} AS t
            SET ${table.columns.map(({ column }) => `${column} = u.${column}`).join(', ')}
           FROM unnest($1::${table.idType}[], ${table.columns.map((_, i) => `$${i + 2}::text[]`).join(', ')})
             AS u(id, ${table.columns.map(({ column }) => column).join(', ')})
          WHERE t.${table.idColumn} = u.id`,
        [ids, ...columns],
      );
      return selected.length;
    });
    if (done === 0) return { table: table.table, rows, batches };
    rows += done;
    batches += 1;
    options.onBatch?.({ table: table.table, rows, batches });
  }
}

/**
 * How many values of `table` each key id holds (all columns together): the evidence for retiring a
 * key. A key may be removed from DATA_ENCRYPTION_KEYS once no value names it.
 */
export async function countValuesByKeyId(dataSource: DataSource, table: EncryptedTable): Promise<Map<string, number>> {
  assertTable(table);
  const rows = await dataSource.query<Array<{ kid: string; count: string }>>(
    `SELECT kid, COUNT(*)::text AS count FROM (
       ${table.columns.map(({ column }) => `SELECT split_part(${column}, '.', 2) AS kid FROM ${table.table} WHERE ${column} IS NOT NULL`).join(' UNION ALL ')}
     ) AS v GROUP BY kid ORDER BY kid`,
  );
  return new Map(rows.map((row) => [row.kid, Number(row.count)]));
}

// The key id is the second dot-separated part of a kf1 value (field-encryption.ts).
function notUnderKey(table: EncryptedTable): string {
  return table.columns.map(({ column }) => `(${column} IS NOT NULL AND split_part(${column}, '.', 2) <> $1)`).join(' OR ');
}

function assertTable(table: EncryptedTable): void {
  for (const name of [table.table, table.idColumn, ...table.columns.map(({ column }) => column)]) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  }
  if (table.columns.length === 0) throw new Error(`${table.table}: no encrypted columns given`);
}
