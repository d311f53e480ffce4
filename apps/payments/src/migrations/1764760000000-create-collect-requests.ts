import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Collect requests (docs/merchants.md, "Collect requests"): a merchant asks one customer to pay;
 * the customer approves with the UPI PIN (the payment is the order made for it, paid as any order
 * is), declines, or lets it expire (U69). The customer is stored by user id only: never the phone
 * number or address the merchant named them by.
 *
 * The status column holds the customer's answer; the payment's own progress stays in `payments`.
 * No foreign key reaches `payments` (as merchant_orders): tests and tools empty `payments` on its own.
 */
export class CreateCollectRequests1764760000000 implements MigrationInterface {
  name = 'CreateCollectRequests1764760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE collect_requests (
        id                  uuid PRIMARY KEY,
        merchant_id         uuid NOT NULL REFERENCES merchants (id),
        reference           varchar(64) NOT NULL,
        request_fingerprint char(64) NOT NULL,
        payer_user_id       uuid NOT NULL,
        amount_minor        bigint NOT NULL CONSTRAINT collect_requests_amount_positive CHECK (amount_minor > 0),
        currency            char(3) NOT NULL,
        note                varchar(50) NULL,
        status              varchar(8) NOT NULL CONSTRAINT collect_requests_status_known CHECK (status IN ('pending', 'approved', 'declined', 'expired')),
        result_code         varchar(3) NULL,
        expires_at          timestamptz NOT NULL,
        order_id            uuid NULL REFERENCES merchant_orders (id),
        payment_id          uuid NULL,
        created_at          timestamptz NOT NULL,
        decided_at          timestamptz NULL,
        CONSTRAINT collect_requests_reference_key UNIQUE (merchant_id, reference),
        CONSTRAINT collect_requests_answer CHECK (
             (status = 'pending'  AND decided_at IS NULL     AND payment_id IS NULL     AND result_code IS NULL)
          OR (status = 'approved' AND decided_at IS NOT NULL AND payment_id IS NOT NULL AND order_id IS NOT NULL AND result_code IS NULL)
          OR (status = 'declined' AND decided_at IS NOT NULL AND payment_id IS NULL     AND result_code IS NULL)
          OR (status = 'expired'  AND decided_at IS NOT NULL AND payment_id IS NULL     AND result_code IS NOT NULL))
      )`);
    // The customer's pending requests, newest first (keyset on created_at, id).
    await queryRunner.query(`CREATE INDEX collect_requests_payer_pending_idx ON collect_requests (payer_user_id, created_at DESC, id DESC) WHERE status = 'pending'`);
    // The expiry poller's due rows, earliest first.
    await queryRunner.query(`CREATE INDEX collect_requests_expiry_idx ON collect_requests (expires_at) WHERE status = 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE collect_requests`);
  }
}
