import type { Pool } from 'pg';
import { inTransaction } from './database';

/**
 * The bank's schema, applied in order at boot and by the migrate command (src/migrate.ts); each
 * migration runs once, in a transaction, under an advisory lock so that replicas starting together
 * (or a migrate Job beside them) do not race: the later ones wait, then find nothing to do. Append
 * new ones; never edit old ones.
 */
export interface Migration {
  readonly version: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: '001-ledger',
    sql: `
      CREATE TABLE accounts (
        account_ref uuid PRIMARY KEY,
        -- The customer's 12-digit account number: never leaves the bank in clear (only masked).
        account_number char(12) NOT NULL UNIQUE CHECK (account_number ~ '^[1-9][0-9]{11}$'),
        mobile text NOT NULL CHECK (mobile ~ '^\\+[1-9][0-9]{7,14}$'),
        holder_name text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 120),
        currency char(3) NOT NULL CHECK (currency = 'INR'),
        opening_balance_minor bigint NOT NULL CHECK (opening_balance_minor >= 0),
        -- A customer account is never overdrawn.
        balance_minor bigint NOT NULL CHECK (balance_minor >= 0),
        opened_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX accounts_mobile_idx ON accounts (mobile);

      -- One row per requestId: the request's fingerprint and the answer recorded for it, written in the
      -- same transaction as the balance change it made (if any).
      CREATE TABLE postings (
        request_id uuid PRIMARY KEY,
        fingerprint text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('debit', 'credit')),
        account_ref uuid REFERENCES accounts (account_ref),
        payment_id uuid NOT NULL,
        txn_id text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        result_code text NOT NULL,
        rrn char(12) UNIQUE,
        reason text,
        moved boolean NOT NULL,
        request_ce_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((result_code = '00') = (rrn IS NOT NULL)),
        CHECK (moved = (result_code = '00')),
        CHECK (NOT moved OR account_ref IS NOT NULL)
      );
      CREATE INDEX postings_account_idx ON postings (account_ref, recorded_at);

      -- ce_ids of request records read, for replay refusal; shared by every replica.
      CREATE TABLE seen_records (
        ce_id text PRIMARY KEY,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        handled boolean NOT NULL DEFAULT false,
        keep_until timestamptz NOT NULL
      );
      CREATE INDEX seen_records_keep_until_idx ON seen_records (keep_until);
    `,
  },
  {
    // The customers' UPI PINs (docs/upi-pin.md): a salted scrypt hash per account, never the PIN, and
    // the count of wrong tries (3 lock the PIN: Z6 until the bank resets it, which deletes the row);
    // and the PIN blocks already taken, so a captured block authorizes nothing twice while it is fresh.
    version: '1764632000000-upi-pins',
    sql: `
      CREATE TABLE upi_pins (
        account_ref uuid PRIMARY KEY REFERENCES accounts (account_ref) ON DELETE CASCADE,
        pin_hash varchar(200) NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
        failed_tries integer NOT NULL DEFAULT 0 CHECK (failed_tries >= 0),
        updated_at timestamptz NOT NULL
      );

      -- base64url SHA-256 of a taken block's key id and IV; pruned once older than a block may be.
      CREATE TABLE pin_block_uses (
        block_id char(43) PRIMARY KEY,
        used_at timestamptz NOT NULL
      );
      CREATE INDEX pin_block_uses_used_at_idx ON pin_block_uses (used_at);
    `,
  },
  {
    // Keyed PIN verification (docs/upi-pin.md): new hashes are hmac-sha256$<keyId>$<salt>$<mac> under the
    // bank's PIN verification key; scrypt hashes stay valid until their next right PIN replaces them.
    version: '1765400000000-keyed-upi-pin-hashes',
    sql: `
      ALTER TABLE upi_pins DROP CONSTRAINT upi_pins_pin_hash_check,
        ADD CONSTRAINT upi_pins_pin_hash_check CHECK (pin_hash LIKE 'scrypt$%' OR pin_hash LIKE 'hmac-sha256$%');
    `,
  },
];

const MIGRATION_LOCK = 7_243_101;

/** Applies the migrations not yet applied; returns their versions. */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: string }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      done.push(migration.version);
    }
    return done;
  });
}
