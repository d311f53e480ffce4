import type { FieldEncryption, LookupHasher } from '@kirim/platform';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The keys a migration that converts data needs: passed in, since migrations are built by TypeORM with no arguments. */
export interface DataProtectionKeys {
  readonly fields: FieldEncryption;
  readonly lookups: LookupHasher;
}

// Written out rather than imported from persistence/identity-personal-data.ts, so this migration never
// changes after it has run (a stored value is bound to its purpose for good).
const USER_PHONE = 'users.phone';
const DEVICE_BINDING_PHONE = 'device_bindings.phone';
const HOLDER_NAME = 'linked_bank_accounts.holder_name';
const BATCH = 500;
const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/** One clear column converted: its rows are read in id order, a batch at a time, and updated in one statement each. */
interface Conversion {
  readonly table: string;
  readonly clear: string;
  /** The new columns and how each is made from the clear value (null stays null). */
  readonly into: readonly { readonly column: string; readonly make: (clear: string) => string }[];
}

async function convert(queryRunner: QueryRunner, conversion: Conversion): Promise<void> {
  const { table, clear, into } = conversion;
  let after = FIRST_ID;
  for (;;) {
    const rows = (await queryRunner.query(`SELECT id, ${clear} AS value FROM ${table} WHERE id > $1 ORDER BY id LIMIT ${BATCH}`, [after])) as { id: string; value: string | null }[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1].id;
    await queryRunner.query(
      `UPDATE ${table} AS t
          SET ${into.map(({ column }) => `${column} = u.${column}`).join(', ')}
         FROM unnest($1::uuid[], ${into.map((_, i) => `$${i + 2}::text[]`).join(', ')}) AS u(id, ${into.map(({ column }) => column).join(', ')})
        WHERE t.id = u.id`,
      [rows.map((row) => row.id), ...into.map(({ make }) => rows.map((row) => (row.value === null ? null : make(row.value))))],
    );
  }
}

/**
 * identity's personal data at rest, encrypted (docs/data-at-rest.md): users' and device bindings'
 * phone numbers and linked accounts' holder names become AES-256-GCM envelope values (`*_encrypted`);
 * users are found by a keyed hash of the phone (`phone_hash`), unique as the phone was. Existing rows
 * are converted in place, in this migration's transaction, then the clear columns are dropped.
 *
 * attempt_counters kept an unkeyed SHA-256 of buckets such as `bind-per-phone:+91...`, which anyone
 * can reverse by hashing every number; buckets become keyed hashes. The old ones cannot be converted
 * (the bucket is not kept) and are deleted: a counter lives for its one-hour window, so the only
 * effect is that the windows open at the moment of this migration start again from zero.
 *
 * A class made per key set: TypeORM builds migrations with no arguments, and this one needs the keys.
 */
export function encryptPersonalData1764650000000(keys: DataProtectionKeys): new () => MigrationInterface {
  return class EncryptPersonalData1764650000000 implements MigrationInterface {
    name = 'EncryptPersonalData1764650000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE users ADD COLUMN phone_encrypted text, ADD COLUMN phone_hash char(43)`);
      await convert(queryRunner, {
        table: 'users',
        clear: 'phone',
        into: [
          { column: 'phone_encrypted', make: (phone) => keys.fields.encrypt(USER_PHONE, phone) },
          { column: 'phone_hash', make: (phone) => keys.lookups.phoneNumber(phone) },
        ],
      });
      // Dropping the column drops its unique constraint and its E.164 check (the DTOs check the format).
      await queryRunner.query(`ALTER TABLE users DROP COLUMN phone`);
      await queryRunner.query(`
        ALTER TABLE users
          ALTER COLUMN phone_encrypted SET NOT NULL,
          ALTER COLUMN phone_hash SET NOT NULL,
          ADD CONSTRAINT users_phone_hash_unique UNIQUE (phone_hash),
          -- What the code writes is always an envelope value; clear text here is a bug, refused.
          ADD CONSTRAINT users_phone_encrypted_format CHECK (phone_encrypted LIKE 'kf1.%')
      `);

      await queryRunner.query(`ALTER TABLE device_bindings ADD COLUMN phone_encrypted text`);
      await convert(queryRunner, { table: 'device_bindings', clear: 'phone', into: [{ column: 'phone_encrypted', make: (phone) => keys.fields.encrypt(DEVICE_BINDING_PHONE, phone) }] });
      await queryRunner.query(`ALTER TABLE device_bindings DROP COLUMN phone`);
      await queryRunner.query(`
        ALTER TABLE device_bindings
          ALTER COLUMN phone_encrypted SET NOT NULL,
          ADD CONSTRAINT device_bindings_phone_encrypted_format CHECK (phone_encrypted LIKE 'kf1.%')
      `);

      // Null stays null: accounts linked before names were recorded have none.
      await queryRunner.query(`ALTER TABLE linked_bank_accounts ADD COLUMN holder_name_encrypted text`);
      await convert(queryRunner, { table: 'linked_bank_accounts', clear: 'holder_name', into: [{ column: 'holder_name_encrypted', make: (name) => keys.fields.encrypt(HOLDER_NAME, name) }] });
      await queryRunner.query(`ALTER TABLE linked_bank_accounts DROP COLUMN holder_name`);
      await queryRunner.query(`ALTER TABLE linked_bank_accounts ADD CONSTRAINT linked_bank_accounts_holder_name_encrypted_format CHECK (holder_name_encrypted LIKE 'kf1.%')`);

      await queryRunner.query(`DELETE FROM attempt_counters`);
      await queryRunner.query(`ALTER TABLE attempt_counters ALTER COLUMN bucket TYPE char(43)`);
      await queryRunner.query(`COMMENT ON COLUMN attempt_counters.bucket IS 'HMAC-SHA256 (DATA_LOOKUP_KEY) of the counter name and its subject, which may be a phone number'`);
    }

    /** Back to clear columns, decrypting with the keys (the old SHA-256 counters are not restored: they are one-hour windows). */
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DELETE FROM attempt_counters`);
      await queryRunner.query(`COMMENT ON COLUMN attempt_counters.bucket IS NULL`);
      await queryRunner.query(`ALTER TABLE attempt_counters ALTER COLUMN bucket TYPE char(64)`);

      await queryRunner.query(`ALTER TABLE linked_bank_accounts ADD COLUMN holder_name varchar(100)`);
      await convert(queryRunner, { table: 'linked_bank_accounts', clear: 'holder_name_encrypted', into: [{ column: 'holder_name', make: (stored) => keys.fields.decrypt(HOLDER_NAME, stored) }] });
      await queryRunner.query(`ALTER TABLE linked_bank_accounts DROP COLUMN holder_name_encrypted`);

      await queryRunner.query(`ALTER TABLE device_bindings ADD COLUMN phone text`);
      await convert(queryRunner, { table: 'device_bindings', clear: 'phone_encrypted', into: [{ column: 'phone', make: (stored) => keys.fields.decrypt(DEVICE_BINDING_PHONE, stored) }] });
      await queryRunner.query(`ALTER TABLE device_bindings DROP COLUMN phone_encrypted`);
      await queryRunner.query(`ALTER TABLE device_bindings ALTER COLUMN phone SET NOT NULL`);

      await queryRunner.query(`ALTER TABLE users ADD COLUMN phone text`);
      await convert(queryRunner, { table: 'users', clear: 'phone_encrypted', into: [{ column: 'phone', make: (stored) => keys.fields.decrypt(USER_PHONE, stored) }] });
      await queryRunner.query(`ALTER TABLE users DROP COLUMN phone_encrypted, DROP COLUMN phone_hash`);
      await queryRunner.query(`
        ALTER TABLE users
          ALTER COLUMN phone SET NOT NULL,
          ADD CONSTRAINT users_phone_e164 CHECK (phone ~ '^\\+[1-9][0-9]{7,14}$'),
          ADD CONSTRAINT users_phone_unique UNIQUE (phone)
      `);
    }
  };
}
