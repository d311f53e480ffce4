import type { FieldEncryption, LookupHasher } from '@kirim/platform';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The keys a migration that converts data needs: passed in, since migrations are built by TypeORM with no arguments. */
export interface DataProtectionKeys {
  readonly fields: FieldEncryption;
  readonly lookups: LookupHasher;
}

// Written out rather than imported from sandbox-account-encryption.ts, so this migration never
// changes after it has run (a stored value is bound to its purpose for good).
const ACCOUNT_NUMBER = 'sandbox_accounts.account_number';
const HOLDER_NAME = 'sandbox_accounts.holder_name';
const MOBILE = 'sandbox_accounts.mobile';
const BATCH = 500;

interface ClearRow {
  id: string;
  account_number: string;
  holder_name: string;
  mobile: string | null;
}

interface EncryptedRow {
  id: string;
  account_number_encrypted: string;
  holder_name_encrypted: string;
  mobile_encrypted: string | null;
}

/**
 * Personal data at rest, encrypted (docs/data-at-rest.md): the sandbox accounts' number, holder
 * name and mobile become AES-256-GCM envelope values (`*_encrypted`), with keyed hashes for the
 * mobile (accounts are found by it) and the account number (unique without being stored). Existing
 * rows are converted in place, in this migration's transaction, then the clear columns are dropped.
 *
 * partner_account_lookups kept an unkeyed SHA-256 of the mobile, which anyone can reverse by hashing
 * every number; it becomes the keyed hash. The old digests cannot be converted (the number is not
 * kept) and are deleted: a lookup is only ever reused for 60 seconds (LOOKUP_ANSWER_REUSE_MS), so the
 * next discovery asks the bank again.
 *
 * A class made per key set: TypeORM builds migrations with no arguments, and this one needs the keys.
 */
export function encryptPersonalData1764610000000(keys: DataProtectionKeys): new () => MigrationInterface {
  return class EncryptPersonalData1764610000000 implements MigrationInterface {
    name = 'EncryptPersonalData1764610000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        ALTER TABLE sandbox_accounts
          ADD COLUMN account_number_encrypted text,
          ADD COLUMN account_number_hash char(43),
          ADD COLUMN holder_name_encrypted text,
          ADD COLUMN mobile_encrypted text,
          ADD COLUMN mobile_hash char(43)
      `);
      for (;;) {
        const rows = (await queryRunner.query(
          `SELECT id, account_number, holder_name, mobile FROM sandbox_accounts WHERE account_number_encrypted IS NULL ORDER BY id LIMIT ${BATCH}`,
        )) as ClearRow[];
        if (rows.length === 0) break;
        await queryRunner.query(
          `UPDATE sandbox_accounts AS a
              SET account_number_encrypted = u.account_number_encrypted, account_number_hash = u.account_number_hash,
                  holder_name_encrypted = u.holder_name_encrypted, mobile_encrypted = u.mobile_encrypted, mobile_hash = u.mobile_hash
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
               AS u(id, account_number_encrypted, account_number_hash, holder_name_encrypted, mobile_encrypted, mobile_hash)
            WHERE a.id = u.id`,
          [
            rows.map((row) => row.id),
            rows.map((row) => keys.fields.encrypt(ACCOUNT_NUMBER, row.account_number)),
            rows.map((row) => keys.lookups.accountNumber(row.account_number)),
            rows.map((row) => keys.fields.encrypt(HOLDER_NAME, row.holder_name)),
            rows.map((row) => (row.mobile === null ? null : keys.fields.encrypt(MOBILE, row.mobile))),
            rows.map((row) => (row.mobile === null ? null : keys.lookups.phoneNumber(row.mobile))),
          ],
        );
      }
      // Dropping a column drops the index and the constraints on it (unique, format, customer_has_mobile).
      await queryRunner.query(`ALTER TABLE sandbox_accounts DROP COLUMN account_number, DROP COLUMN holder_name, DROP COLUMN mobile`);
      await queryRunner.query(`
        ALTER TABLE sandbox_accounts
          ALTER COLUMN account_number_encrypted SET NOT NULL,
          ALTER COLUMN account_number_hash SET NOT NULL,
          ALTER COLUMN holder_name_encrypted SET NOT NULL,
          ADD CONSTRAINT sandbox_accounts_account_number_hash_key UNIQUE (account_number_hash),
          -- What the code writes is always an envelope value; clear text here is a bug, refused.
          ADD CONSTRAINT sandbox_accounts_account_number_encrypted_format CHECK (account_number_encrypted LIKE 'kf1.%'),
          ADD CONSTRAINT sandbox_accounts_holder_name_encrypted_format CHECK (holder_name_encrypted LIKE 'kf1.%'),
          ADD CONSTRAINT sandbox_accounts_mobile_encrypted_format CHECK (mobile_encrypted LIKE 'kf1.%'),
          ADD CONSTRAINT sandbox_accounts_mobile_hash_with_value CHECK ((mobile_encrypted IS NULL) = (mobile_hash IS NULL)),
          ADD CONSTRAINT sandbox_accounts_customer_has_mobile CHECK (kind <> 'customer' OR mobile_hash IS NOT NULL)
      `);
      await queryRunner.query(`CREATE INDEX sandbox_accounts_customer_mobile_hash_idx ON sandbox_accounts (mobile_hash) WHERE kind = 'customer'`);

      await queryRunner.query(`DELETE FROM partner_account_lookups`);
      await queryRunner.query(`ALTER TABLE partner_account_lookups RENAME COLUMN mobile_digest TO mobile_hash`);
      await queryRunner.query(`COMMENT ON COLUMN partner_account_lookups.mobile_hash IS 'HMAC-SHA256 (DATA_LOOKUP_KEY) of the E.164 number: the number itself stays out of this table'`);
    }

    /** Back to clear columns, decrypting with the keys (the old SHA-256 lookups are not restored: they are a 60-second cache). */
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DELETE FROM partner_account_lookups`);
      await queryRunner.query(`ALTER TABLE partner_account_lookups RENAME COLUMN mobile_hash TO mobile_digest`);
      await queryRunner.query(`ALTER TABLE sandbox_accounts ADD COLUMN account_number varchar(12), ADD COLUMN holder_name varchar(100), ADD COLUMN mobile varchar(16)`);
      const rows = (await queryRunner.query(`SELECT id, account_number_encrypted, holder_name_encrypted, mobile_encrypted FROM sandbox_accounts`)) as EncryptedRow[];
      for (const row of rows) {
        await queryRunner.query(`UPDATE sandbox_accounts SET account_number = $2, holder_name = $3, mobile = $4 WHERE id = $1`, [
          row.id,
          keys.fields.decrypt(ACCOUNT_NUMBER, row.account_number_encrypted),
          keys.fields.decrypt(HOLDER_NAME, row.holder_name_encrypted),
          row.mobile_encrypted === null ? null : keys.fields.decrypt(MOBILE, row.mobile_encrypted),
        ]);
      }
      await queryRunner.query(
        `ALTER TABLE sandbox_accounts DROP COLUMN account_number_encrypted, DROP COLUMN account_number_hash, DROP COLUMN holder_name_encrypted, DROP COLUMN mobile_encrypted, DROP COLUMN mobile_hash`,
      );
      await queryRunner.query(`
        ALTER TABLE sandbox_accounts
          ALTER COLUMN account_number SET NOT NULL,
          ALTER COLUMN holder_name SET NOT NULL,
          ADD CONSTRAINT sandbox_accounts_account_number_key UNIQUE (account_number),
          ADD CONSTRAINT sandbox_accounts_account_number_format CHECK (account_number ~ '^[0-9]{12}$'),
          ADD CONSTRAINT sandbox_accounts_customer_has_mobile CHECK (kind <> 'customer' OR mobile IS NOT NULL)
      `);
      await queryRunner.query(`CREATE INDEX sandbox_accounts_customer_mobile_idx ON sandbox_accounts (mobile) WHERE kind = 'customer'`);
    }
  };
}
