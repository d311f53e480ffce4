import { DataSource, EntityManager } from 'typeorm';
import type { InTransaction } from '@kirim/messaging';
import { FieldEncryption } from '@kirim/platform';
import { NOTIFICATIONS_PURPOSES } from '../../persistence/notifications-encrypted-data';
import { MAX_ENABLED_ENDPOINTS_PER_MERCHANT, MerchantWebhookEndpoint, MerchantWebhookEndpointRepository, MerchantWebhookEndpointStatus, merchantEndpointKey, RegisterOutcome } from './merchant-webhook-endpoint';

interface EndpointRow {
  id: string;
  merchant_id: string;
  url: string;
  status: MerchantWebhookEndpointStatus;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  secret_rotated_at: Date | null;
  disabled_at: Date | null;
}

const COLUMNS = `id, merchant_id, url, status, secret_encrypted, previous_secret_encrypted, previous_secret_expires_at, created_at, secret_rotated_at, disabled_at`;

/** What `last_error` says of a delivery ended because its endpoint was disabled (a reason, never a URL). */
export const ENDPOINT_DISABLED_ERROR = 'endpoint disabled';

/**
 * PostgreSQL adapter of MerchantWebhookEndpointRepository (plain SQL: the limit and the disabling
 * need their locks). The secrets are encrypted here and nowhere else (docs/data-at-rest.md): the
 * database holds `kf1.` values only, and use cases give and get clear secrets.
 */
export class TypeOrmMerchantWebhookEndpointRepository extends MerchantWebhookEndpointRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fields: FieldEncryption,
  ) {
    super();
  }

  async register(endpoint: MerchantWebhookEndpoint): Promise<RegisterOutcome> {
    return this.dataSource.transaction(async (manager) => {
      // The merchant's row is the lock the count is taken under: two registrations racing for the
      // last place are ordered by it, and the second counts the first.
      const merchants: { merchant_id: string }[] = await manager.query(`SELECT merchant_id FROM merchants WHERE merchant_id = $1 FOR UPDATE`, [endpoint.merchantId]);
      if (merchants.length === 0) throw new Error(`merchant ${endpoint.merchantId} is not in the merchant directory`);
      const [{ enabled }]: { enabled: number }[] = await manager.query(`SELECT count(*)::int AS enabled FROM merchant_webhook_endpoints WHERE merchant_id = $1 AND status = 'enabled'`, [endpoint.merchantId]);
      if (enabled >= MAX_ENABLED_ENDPOINTS_PER_MERCHANT) return { outcome: 'limit-reached', limit: MAX_ENABLED_ENDPOINTS_PER_MERCHANT };
      await manager.query(
        `INSERT INTO merchant_webhook_endpoints (${COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          endpoint.endpointId,
          endpoint.merchantId,
          endpoint.url,
          endpoint.status,
          this.fields.encrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_SECRET, endpoint.secret),
          endpoint.previousSecret === null ? null : this.fields.encrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_PREVIOUS_SECRET, endpoint.previousSecret),
          endpoint.previousSecretExpiresAt,
          endpoint.createdAt,
          endpoint.secretRotatedAt,
          endpoint.disabledAt,
        ],
      );
      return { outcome: 'registered' };
    });
  }

  async findById(endpointId: string): Promise<MerchantWebhookEndpoint | null> {
    return this.selectOne(this.dataSource.manager, endpointId);
  }

  async listOfMerchant(merchantId: string): Promise<MerchantWebhookEndpoint[]> {
    const rows: EndpointRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM merchant_webhook_endpoints WHERE merchant_id = $1 ORDER BY created_at, id`, [merchantId]);
    return rows.map((row) => this.toEndpoint(row));
  }

  async rotateSecret(endpointId: string, secret: string, previousSecretExpiresAt: Date, now: Date): Promise<MerchantWebhookEndpoint | null> {
    return this.dataSource.transaction(async (manager) => {
      // Locked, so two rotations (or a rotation and a disabling) cannot interleave: each previous
      // secret is the one the other left.
      const current: { secret_encrypted: string }[] = await manager.query(`SELECT secret_encrypted FROM merchant_webhook_endpoints WHERE id = $1 AND status = 'enabled' FOR UPDATE`, [endpointId]);
      if (current.length === 0) return null;
      // Decrypted and encrypted again: each column's values are bound to its own purpose, so the
      // stored text cannot simply move from one column to the other.
      const previous = this.fields.decrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_SECRET, current[0].secret_encrypted);
      const [rows]: [EndpointRow[], number] = await manager.query(
        `UPDATE merchant_webhook_endpoints
            SET secret_encrypted = $2, previous_secret_encrypted = $3, previous_secret_expires_at = $4, secret_rotated_at = $5
          WHERE id = $1
         RETURNING ${COLUMNS}`,
        [
          endpointId,
          this.fields.encrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_SECRET, secret),
          this.fields.encrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_PREVIOUS_SECRET, previous),
          previousSecretExpiresAt,
          now,
        ],
      );
      return this.toEndpoint(rows[0]);
    });
  }

  async disable(endpointId: string, now: Date): Promise<MerchantWebhookEndpoint | null> {
    return this.dataSource.transaction(async (manager) => {
      const [disabled]: [EndpointRow[], number] = await manager.query(
        `UPDATE merchant_webhook_endpoints SET status = 'disabled', disabled_at = $2 WHERE id = $1 AND status = 'enabled' RETURNING ${COLUMNS}`,
        [endpointId, now],
      );
      // Already disabled (or unknown): nothing to end, and nothing changes.
      if (disabled.length === 0) return this.selectOne(manager, endpointId);
      // Its deliveries not yet made end here, in the same transaction: once the endpoint is disabled
      // nothing more is sent to it. A claimed one ('delivering') ends too; the worker's outcome for
      // it is then dropped (recordOutcomes only writes over its own claim). enabledIdsOf's FOR SHARE
      // makes a consumer that is writing deliveries for this endpoint commit before this runs.
      await manager.query(
        `UPDATE deliveries SET status = 'dead', dead_at = $2, last_error = $3
          WHERE endpoint_key = $1 AND status IN ('pending', 'delivering')`,
        [merchantEndpointKey(endpointId), now, ENDPOINT_DISABLED_ERROR],
      );
      return this.toEndpoint(disabled[0]);
    });
  }

  async enabledIdsOf(tx: InTransaction, merchantId: string): Promise<string[]> {
    // FOR SHARE: a disabling (an UPDATE of these rows) waits for the caller's transaction, so the
    // deliveries it writes for an endpoint are committed before the disabling ends them, and an
    // endpoint disabled first is not seen as enabled here (the row is re-checked after the wait).
    const rows: { id: string }[] = await tx.manager.query(
      `SELECT id FROM merchant_webhook_endpoints WHERE merchant_id = $1 AND status = 'enabled' ORDER BY created_at, id FOR SHARE`,
      [merchantId],
    );
    return rows.map((row) => row.id);
  }

  async allEnabled(): Promise<MerchantWebhookEndpoint[]> {
    const rows: EndpointRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM merchant_webhook_endpoints WHERE status = 'enabled' ORDER BY created_at, id`);
    return rows.map((row) => this.toEndpoint(row));
  }

  private async selectOne(manager: EntityManager, endpointId: string): Promise<MerchantWebhookEndpoint | null> {
    const rows: EndpointRow[] = await manager.query(`SELECT ${COLUMNS} FROM merchant_webhook_endpoints WHERE id = $1`, [endpointId]);
    return rows[0] === undefined ? null : this.toEndpoint(rows[0]);
  }

  private toEndpoint(row: EndpointRow): MerchantWebhookEndpoint {
    return {
      endpointId: row.id,
      merchantId: row.merchant_id,
      url: row.url,
      status: row.status,
      secret: this.fields.decrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_SECRET, row.secret_encrypted),
      previousSecret: row.previous_secret_encrypted === null ? null : this.fields.decrypt(NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_PREVIOUS_SECRET, row.previous_secret_encrypted),
      previousSecretExpiresAt: row.previous_secret_expires_at,
      createdAt: row.created_at,
      secretRotatedAt: row.secret_rotated_at,
      disabledAt: row.disabled_at,
    };
  }
}

/**
 * The Nest provider of the registry. Declared by both modules that need it (delivery's worker reads
 * the enabled endpoints, merchant-webhooks' API changes them) rather than one importing the other
 * with its controllers; the adapter holds no state, so two instances agree.
 */
export const MERCHANT_WEBHOOK_ENDPOINT_REPOSITORY_PROVIDER = {
  provide: MerchantWebhookEndpointRepository,
  inject: [DataSource, FieldEncryption],
  useFactory: (dataSource: DataSource, fields: FieldEncryption) => new TypeOrmMerchantWebhookEndpointRepository(dataSource, fields),
};
