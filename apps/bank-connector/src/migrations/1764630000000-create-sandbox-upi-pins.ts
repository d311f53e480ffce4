import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sandbox banks' UPI PINs (docs/upi-pin.md): per customer account a salted scrypt hash and the
 * count of wrong tries (3 lock the PIN: Z6 until the operator resets it, which deletes the row), and
 * the PIN blocks already taken, so a captured block cannot be used twice while it is fresh.
 */
export class CreateSandboxUpiPins1764630000000 implements MigrationInterface {
  name = 'CreateSandboxUpiPins1764630000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sandbox_upi_pins (
        account_id uuid PRIMARY KEY REFERENCES sandbox_accounts (id) ON DELETE CASCADE,
        pin_hash varchar(200) NOT NULL,
        failed_tries int NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL,
        CONSTRAINT sandbox_upi_pins_hash_check CHECK (pin_hash LIKE 'scrypt$%'),
        CONSTRAINT sandbox_upi_pins_tries_check CHECK (failed_tries >= 0)
      )
    `);
    await queryRunner.query(`
      CREATE TABLE sandbox_pin_block_uses (
        block_id char(43) PRIMARY KEY,
        used_at timestamptz NOT NULL
      )
    `);
    await queryRunner.query(`CREATE INDEX sandbox_pin_block_uses_used_at_idx ON sandbox_pin_block_uses (used_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sandbox_pin_block_uses`);
    await queryRunner.query(`DROP TABLE sandbox_upi_pins`);
  }
}
