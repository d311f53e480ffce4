import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sandbox banks verify UPI PINs with a keyed hash (`hmac-sha256$<keyId>$<salt>$<mac>`, docs/upi-pin.md)
 * instead of scrypt; stored scrypt hashes stay valid and are replaced by keyed ones on their next right PIN.
 */
export class AllowKeyedUpiPinHashes1765400000000 implements MigrationInterface {
  name = 'AllowKeyedUpiPinHashes1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE sandbox_upi_pins DROP CONSTRAINT sandbox_upi_pins_hash_check,
        ADD CONSTRAINT sandbox_upi_pins_hash_check CHECK (pin_hash LIKE 'scrypt$%' OR pin_hash LIKE 'hmac-sha256$%')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A keyed hash cannot be turned back into scrypt without the PIN: with keyed hashes stored, stop instead.
    const [{ count }] = (await queryRunner.query(`SELECT count(*) AS count FROM sandbox_upi_pins WHERE pin_hash NOT LIKE 'scrypt$%'`)) as [{ count: string }];
    if (Number(count) > 0) throw new Error(`${count} UPI PINs are stored as keyed hashes; reverting would make them invalid`);
    await queryRunner.query(`
      ALTER TABLE sandbox_upi_pins DROP CONSTRAINT sandbox_upi_pins_hash_check,
        ADD CONSTRAINT sandbox_upi_pins_hash_check CHECK (pin_hash LIKE 'scrypt$%')`);
  }
}
