import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdentityTables1764300000000 implements MigrationInterface {
  name = 'CreateIdentityTables1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        phone text NOT NULL,
        display_name varchar(80) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_phone_e164 CHECK (phone ~ '^\\+[1-9][0-9]{7,14}$'),
        CONSTRAINT users_phone_unique UNIQUE (phone)
      )`);
    await queryRunner.query(`
      CREATE TABLE linked_bank_accounts (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        bank_code text NOT NULL,
        account_ref uuid NOT NULL,
        masked_account_number text NOT NULL,
        is_primary boolean NOT NULL,
        linked_at timestamptz NOT NULL,
        CONSTRAINT linked_bank_accounts_user_account_unique UNIQUE (user_id, account_ref)
      )`);
    // At most one primary account per user: payee resolution picks it, so two would be ambiguous.
    await queryRunner.query(`
      CREATE UNIQUE INDEX linked_bank_accounts_one_primary_per_user
        ON linked_bank_accounts (user_id) WHERE is_primary`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE linked_bank_accounts');
    await queryRunner.query('DROP TABLE users');
  }
}
