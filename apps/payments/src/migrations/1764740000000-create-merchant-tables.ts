import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Merchants (docs/merchants.md): business accounts with their address, category and settlement
 * address; their API keys (SHA-256 digests only); their orders; their refunds. Orders' payments and
 * refunds are rows of `payments` marked by `kind`, so they go through the one state machine; the
 * refund table only holds the merchant's reference and request fingerprint beside the payment.
 *
 * No foreign key reaches `payments` (as payment_flags and payment_operator_actions): tests and
 * tools empty `payments` on its own.
 */
export class CreateMerchantTables1764740000000 implements MigrationInterface {
  name = 'CreateMerchantTables1764740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payments
        ADD COLUMN kind        varchar(6) NOT NULL DEFAULT 'p2p' CONSTRAINT payments_kind_known CHECK (kind IN ('p2p', 'order', 'refund')),
        ADD COLUMN merchant_id uuid NULL,
        ADD COLUMN order_id    uuid NULL,
        ADD COLUMN refund_of   uuid NULL,
        ADD CONSTRAINT payments_merchant_link CHECK (
             (kind = 'p2p'    AND merchant_id IS NULL     AND order_id IS NULL     AND refund_of IS NULL)
          OR (kind = 'order'  AND merchant_id IS NOT NULL AND order_id IS NOT NULL AND refund_of IS NULL)
          OR (kind = 'refund' AND merchant_id IS NOT NULL AND order_id IS NOT NULL AND refund_of IS NOT NULL))`);
    // A merchant's history, newest first, keyset-paginated on (created_at, id); an order's payment and refunds.
    await queryRunner.query(`CREATE INDEX payments_merchant_history_idx ON payments (merchant_id, created_at DESC, id DESC) WHERE merchant_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX payments_order_idx ON payments (order_id) WHERE order_id IS NOT NULL`);
    // The payer limits leave refunds out (a merchant giving money back is not its owner paying):
    // `kind` joins the window index's INCLUDE columns so the limit query stays index-only.
    await queryRunner.query(
      `CREATE INDEX payments_payer_window_next_idx ON payments (payer_user_id, created_at DESC) INCLUDE (amount_minor, currency, status, kind)`,
    );
    await queryRunner.query(`DROP INDEX payments_payer_window_idx`);
    await queryRunner.query(`ALTER INDEX payments_payer_window_next_idx RENAME TO payments_payer_window_idx`);

    await queryRunner.query(`
      CREATE TABLE merchants (
        id                 uuid PRIMARY KEY,
        owner_user_id      uuid NOT NULL CONSTRAINT merchants_owner_key UNIQUE,
        display_name       varchar(100) NOT NULL,
        category_code      char(4) NOT NULL CONSTRAINT merchants_category_code_format CHECK (category_code ~ '^[0-9]{4}$'),
        handle             varchar(50) NOT NULL CONSTRAINT merchants_handle_key UNIQUE,
        handle_skeleton    varchar(50) NOT NULL CONSTRAINT merchants_handle_skeleton_key UNIQUE,
        settlement_address varchar(255) NOT NULL,
        verified           boolean NOT NULL DEFAULT false,
        created_at         timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE merchant_api_keys (
        id            uuid PRIMARY KEY,
        merchant_id   uuid NOT NULL REFERENCES merchants (id),
        lookup_prefix char(12) NOT NULL CONSTRAINT merchant_api_keys_lookup_key UNIQUE,
        digest        char(64) NOT NULL,
        created_at    timestamptz NOT NULL,
        revoked_at    timestamptz NULL
      )`);
    await queryRunner.query(`CREATE INDEX merchant_api_keys_merchant_idx ON merchant_api_keys (merchant_id, created_at)`);
    await queryRunner.query(`
      CREATE TABLE merchant_orders (
        id                  uuid PRIMARY KEY,
        merchant_id         uuid NOT NULL REFERENCES merchants (id),
        reference           varchar(64) NOT NULL,
        request_fingerprint char(64) NOT NULL,
        amount_minor        bigint NOT NULL CONSTRAINT merchant_orders_amount_positive CHECK (amount_minor > 0),
        currency            char(3) NOT NULL,
        note                varchar(50) NULL,
        expires_at          timestamptz NOT NULL,
        payment_id          uuid NULL,
        created_at          timestamptz NOT NULL,
        CONSTRAINT merchant_orders_reference_key UNIQUE (merchant_id, reference)
      )`);
    await queryRunner.query(`
      CREATE TABLE merchant_refunds (
        payment_id          uuid PRIMARY KEY,
        merchant_id         uuid NOT NULL REFERENCES merchants (id),
        order_id            uuid NOT NULL REFERENCES merchant_orders (id),
        reference           varchar(64) NOT NULL,
        request_fingerprint char(64) NOT NULL,
        created_at          timestamptz NOT NULL,
        CONSTRAINT merchant_refunds_reference_key UNIQUE (merchant_id, reference)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A payment record is never deleted to make a rollback fit: with merchant payments, stop instead.
    const [{ count }] = (await queryRunner.query(`SELECT count(*)::int AS count FROM payments WHERE kind <> 'p2p'`)) as [{ count: number }];
    if (count > 0) throw new Error(`${count} merchant payments exist; reverting the merchant tables would lose what they belong to`);
    await queryRunner.query(`DROP TABLE merchant_refunds`);
    await queryRunner.query(`DROP TABLE merchant_orders`);
    await queryRunner.query(`DROP TABLE merchant_api_keys`);
    await queryRunner.query(`DROP TABLE merchants`);
    await queryRunner.query(
      `CREATE INDEX payments_payer_window_prev_idx ON payments (payer_user_id, created_at DESC) INCLUDE (amount_minor, currency, status)`,
    );
    await queryRunner.query(`DROP INDEX payments_payer_window_idx`);
    await queryRunner.query(`ALTER INDEX payments_payer_window_prev_idx RENAME TO payments_payer_window_idx`);
    await queryRunner.query(`DROP INDEX payments_order_idx`);
    await queryRunner.query(`DROP INDEX payments_merchant_history_idx`);
    await queryRunner.query(`ALTER TABLE payments DROP CONSTRAINT payments_merchant_link, DROP COLUMN refund_of, DROP COLUMN order_id, DROP COLUMN merchant_id, DROP COLUMN kind`);
  }
}
