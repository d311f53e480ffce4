import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Collect requests between people (docs/merchants.md, "Between people"; behind the scheme
 * profile's `collect.p2p.enabled`, off on UPI): a request is asked either by a merchant
 * (`merchant_id`, paid through an order) or by a user (`requester_user_id`, paid by an ordinary P2P
 * payment into `pay_to_address`, one of the requester's own custom addresses). Exactly one of them,
 * held by a CHECK; a person's reference is unique per person as a merchant's is per merchant.
 *
 * The requester is kept by user id, as the customer is; the pay-to address is a custom handle
 * (never the phone-number one), so no phone number reaches this table. An approved request needs
 * its order only when a merchant asked.
 */
export class AddPersonCollectRequests1764780000000 implements MigrationInterface {
  name = 'AddPersonCollectRequests1764780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE collect_requests ALTER COLUMN merchant_id DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE collect_requests ADD COLUMN requester_user_id uuid NULL, ADD COLUMN pay_to_address varchar(255) NULL`);
    await queryRunner.query(`
      ALTER TABLE collect_requests ADD CONSTRAINT collect_requests_one_requester CHECK (
           (merchant_id IS NOT NULL AND requester_user_id IS NULL AND pay_to_address IS NULL)
        OR (merchant_id IS NULL AND requester_user_id IS NOT NULL AND pay_to_address IS NOT NULL AND order_id IS NULL AND requester_user_id <> payer_user_id))`);
    await queryRunner.query(`ALTER TABLE collect_requests ADD CONSTRAINT collect_requests_requester_reference_key UNIQUE (requester_user_id, reference)`);
    await queryRunner.query(`ALTER TABLE collect_requests DROP CONSTRAINT collect_requests_answer`);
    await queryRunner.query(`
      ALTER TABLE collect_requests ADD CONSTRAINT collect_requests_answer CHECK (
           (status = 'pending'  AND decided_at IS NULL     AND payment_id IS NULL     AND result_code IS NULL)
        OR (status = 'approved' AND decided_at IS NOT NULL AND payment_id IS NOT NULL AND (order_id IS NOT NULL OR merchant_id IS NULL) AND result_code IS NULL)
        OR (status = 'declined' AND decided_at IS NOT NULL AND payment_id IS NULL     AND result_code IS NULL)
        OR (status = 'expired'  AND decided_at IS NOT NULL AND payment_id IS NULL     AND result_code IS NOT NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The earlier schema cannot hold a request between people.
    await queryRunner.query(`DELETE FROM collect_requests WHERE merchant_id IS NULL`);
    await queryRunner.query(`ALTER TABLE collect_requests DROP CONSTRAINT collect_requests_answer`);
    await queryRunner.query(`
      ALTER TABLE collect_requests ADD CONSTRAINT collect_requests_answer CHECK (
           (status = 'pending'  AND decided_at IS NULL     AND payment_id IS NULL     AND result_code IS NULL)
        OR (status = 'approved' AND decided_at IS NOT NULL AND payment_id IS NOT NULL AND order_id IS NOT NULL AND result_code IS NULL)
        OR (status = 'declined' AND decided_at IS NOT NULL AND payment_id IS NULL     AND result_code IS NULL)
        OR (status = 'expired'  AND decided_at IS NOT NULL AND payment_id IS NULL     AND result_code IS NOT NULL))`);
    await queryRunner.query(`ALTER TABLE collect_requests DROP CONSTRAINT collect_requests_requester_reference_key`);
    await queryRunner.query(`ALTER TABLE collect_requests DROP CONSTRAINT collect_requests_one_requester`);
    await queryRunner.query(`ALTER TABLE collect_requests DROP COLUMN requester_user_id, DROP COLUMN pay_to_address`);
    await queryRunner.query(`ALTER TABLE collect_requests ALTER COLUMN merchant_id SET NOT NULL`);
  }
}
