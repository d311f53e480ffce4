import { MigrationInterface, QueryRunner } from 'typeorm';
import { defaultHandleCandidates, handleSkeleton } from '../payment-addresses/payment-handle-rules';

/** Users given their default address per statement batch. */
const BATCH = 500;

/**
 * Payment addresses, the payee-lookup buckets and the bank-registered name of linked accounts
 * (docs/payment-addresses.md); existing users get their default address from the phone number, as
 * new ones do when created.
 */
export class CreatePaymentAddresses1764640000000 implements MigrationInterface {
  name = 'CreatePaymentAddresses1764640000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payment_addresses (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        handle varchar(50) NOT NULL,
        skeleton varchar(50) NOT NULL,
        is_primary boolean NOT NULL,
        is_default boolean NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT payment_addresses_handle_format CHECK (handle ~ '^[a-z0-9]+([._-][a-z0-9]+)*$' AND length(handle) >= 3)
      )`);
    // Handles are unique without regard to case, and so are their skeletons: a look-alike of an existing
    // handle is refused by the database too, whichever replica inserts it.
    await queryRunner.query(`CREATE UNIQUE INDEX payment_addresses_handle_unique ON payment_addresses (lower(handle))`);
    await queryRunner.query(`CREATE UNIQUE INDEX payment_addresses_skeleton_unique ON payment_addresses (skeleton)`);
    await queryRunner.query(`CREATE UNIQUE INDEX payment_addresses_one_primary_per_user ON payment_addresses (user_id) WHERE is_primary`);
    await queryRunner.query(`CREATE INDEX payment_addresses_user ON payment_addresses (user_id)`);

    // One row per user, updated by single statements (typeorm-payee-lookup-bucket.repository.ts).
    await queryRunner.query(`
      CREATE TABLE payee_lookup_buckets (
        user_id uuid PRIMARY KEY REFERENCES users (id),
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL
      )`);

    // Null for accounts linked before: kirim did not ask the bank for the name then.
    await queryRunner.query(`ALTER TABLE linked_bank_accounts ADD COLUMN holder_name varchar(100), ADD COLUMN bank_name varchar(120)`);

    await this.createDefaultAddresses(queryRunner);
  }

  /** The same handles CreateDefaultPaymentAddress makes (payment-handle-rules.ts), in batches. */
  private async createDefaultAddresses(queryRunner: QueryRunner): Promise<void> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const users = (await queryRunner.query(
        `SELECT id, phone, created_at FROM users WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
        [after],
      )) as { id: string; phone: string; created_at: Date }[];
      if (users.length === 0) return;
      after = users[users.length - 1].id;
      for (const user of users) {
        for (const handle of defaultHandleCandidates(user.phone)) {
          const inserted = (await queryRunner.query(
            `INSERT INTO payment_addresses (id, user_id, handle, skeleton, is_primary, is_default, created_at)
             VALUES (gen_random_uuid(), $1, $2, $3, true, true, $4) ON CONFLICT DO NOTHING RETURNING id`,
            [user.id, handle, handleSkeleton(handle), user.created_at],
          )) as unknown[];
          // A user none of whose candidates is free stays without one, as CreateDefaultPaymentAddress leaves them.
          if (inserted.length === 1) break;
        }
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE linked_bank_accounts DROP COLUMN bank_name, DROP COLUMN holder_name`);
    await queryRunner.query(`DROP TABLE payee_lookup_buckets`);
    await queryRunner.query(`DROP TABLE payment_addresses`);
  }
}
