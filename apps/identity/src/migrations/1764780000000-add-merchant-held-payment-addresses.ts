import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Merchant addresses held at identity (docs/merchants.md, docs/payment-addresses.md): a row of
 * payment_addresses with a merchant id is the address of that merchant, `user_id` its owner. Kept in
 * the same table on purpose: the unique indexes on the handle and on its look-alike skeleton then
 * cover users' and merchants' addresses together, so neither can take the other's, whichever replica
 * inserts first.
 */
export class AddMerchantHeldPaymentAddresses1764780000000 implements MigrationInterface {
  name = 'AddMerchantHeldPaymentAddresses1764780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE payment_addresses ADD COLUMN merchant_id uuid`);
    // A merchant's address is never its owner's primary or default one: those are where the owner is paid as a person.
    await queryRunner.query(
      `ALTER TABLE payment_addresses ADD CONSTRAINT payment_addresses_merchant_not_personal CHECK (merchant_id IS NULL OR (NOT is_primary AND NOT is_default))`,
    );
    // One address per merchant: a merchant has one handle (payments' merchants.handle).
    await queryRunner.query(`CREATE UNIQUE INDEX payment_addresses_one_per_merchant ON payment_addresses (merchant_id) WHERE merchant_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM payment_addresses WHERE merchant_id IS NOT NULL`);
    await queryRunner.query(`DROP INDEX payment_addresses_one_per_merchant`);
    await queryRunner.query(`ALTER TABLE payment_addresses DROP CONSTRAINT payment_addresses_merchant_not_personal`);
    await queryRunner.query(`ALTER TABLE payment_addresses DROP COLUMN merchant_id`);
  }
}
