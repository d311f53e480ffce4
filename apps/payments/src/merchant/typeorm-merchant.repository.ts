import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Merchant, MerchantApiKeyRecord } from './merchant';
import { InTransaction, MerchantInsertOutcome, MerchantRepository } from './merchant.repository';

interface MerchantRow {
  id: string;
  owner_user_id: string;
  display_name: string;
  category_code: string;
  handle: string;
  handle_skeleton: string;
  settlement_address: string;
  verified: boolean;
  created_at: Date;
}

interface KeyRow {
  id: string;
  merchant_id: string;
  lookup_prefix: string;
  digest: string;
  created_at: Date;
  revoked_at: Date | null;
}

const MERCHANT_COLUMNS = 'id, owner_user_id, display_name, category_code, handle, handle_skeleton, settlement_address, verified, created_at';
const KEY_COLUMNS = 'id, merchant_id, lookup_prefix, digest, created_at, revoked_at';

/** Which unique constraint a conflicting merchant hit (constraint names from the migration). */
const CONFLICTS: Readonly<Record<string, 'owner' | 'handle' | 'skeleton'>> = {
  // A merchant's id is derived from its owner and handle (merchant-id.ts): the same id again is the
  // same owner's request twice at once, and the one that lost finds the owner onboarded.
  merchants_pkey: 'owner',
  merchants_owner_key: 'owner',
  merchants_handle_key: 'handle',
  merchants_handle_skeleton_key: 'skeleton',
};

/** Merchants and their API keys in PostgreSQL (plain SQL: the tables are small and their queries few). */
@Injectable()
export class TypeOrmMerchantRepository extends MerchantRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insert(merchant: Merchant, tx?: InTransaction): Promise<MerchantInsertOutcome> {
    const manager = this.manager(tx);
    // In a transaction a unique violation would abort it, and with it the caller's answer: the
    // savepoint confines the failed INSERT, so the caller's transaction goes on to return the conflict.
    if (tx) await manager.query('SAVEPOINT merchant_row');
    try {
      await manager.query(
        `INSERT INTO merchants (${MERCHANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [merchant.id, merchant.ownerUserId, merchant.displayName, merchant.categoryCode, merchant.handle, merchant.handleSkeleton, merchant.settlementAddress, merchant.verified, merchant.createdAt],
      );
    } catch (error) {
      if (tx) await manager.query('ROLLBACK TO SAVEPOINT merchant_row');
      const conflict = error instanceof QueryFailedError ? CONFLICTS[String((error.driverError as { constraint?: unknown }).constraint)] : undefined;
      if (conflict === undefined) throw error;
      return { inserted: false, conflict };
    }
    if (tx) await manager.query('RELEASE SAVEPOINT merchant_row');
    return { inserted: true };
  }

  async findById(merchantId: string, tx?: InTransaction): Promise<Merchant | null> {
    const rows = await this.manager(tx).query<MerchantRow[]>(`SELECT ${MERCHANT_COLUMNS} FROM merchants WHERE id = $1`, [merchantId]);
    return rows.length === 0 ? null : toMerchant(rows[0]);
  }

  async findByOwner(ownerUserId: string): Promise<Merchant | null> {
    const rows = await this.dataSource.query<MerchantRow[]>(`SELECT ${MERCHANT_COLUMNS} FROM merchants WHERE owner_user_id = $1`, [ownerUserId]);
    return rows.length === 0 ? null : toMerchant(rows[0]);
  }

  async lockById(tx: InTransaction, merchantId: string): Promise<Merchant | null> {
    const rows = await tx.manager.query<MerchantRow[]>(`SELECT ${MERCHANT_COLUMNS} FROM merchants WHERE id = $1 FOR UPDATE`, [merchantId]);
    return rows.length === 0 ? null : toMerchant(rows[0]);
  }

  async insertKey(tx: InTransaction, key: MerchantApiKeyRecord): Promise<void> {
    await tx.manager.query(`INSERT INTO merchant_api_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
      key.id,
      key.merchantId,
      key.lookupPrefix,
      key.digest,
      key.createdAt,
      key.revokedAt,
    ]);
  }

  async countActiveKeys(tx: InTransaction, merchantId: string): Promise<number> {
    const [row] = await tx.manager.query<[{ count: number }]>(`SELECT count(*)::int AS count FROM merchant_api_keys WHERE merchant_id = $1 AND revoked_at IS NULL`, [merchantId]);
    return row.count;
  }

  async listKeys(merchantId: string): Promise<MerchantApiKeyRecord[]> {
    const rows = await this.dataSource.query<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM merchant_api_keys WHERE merchant_id = $1 ORDER BY created_at, id`, [merchantId]);
    return rows.map(toKey);
  }

  async revokeKey(merchantId: string, keyId: string, at: Date): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE merchant_api_keys SET revoked_at = $3 WHERE id = $2 AND merchant_id = $1 AND revoked_at IS NULL`,
      [merchantId, keyId, at],
    );
    return affected === 1;
  }

  async findActiveKey(lookupPrefix: string): Promise<{ readonly key: MerchantApiKeyRecord; readonly merchant: Merchant } | null> {
    const rows = await this.dataSource.query<Array<KeyRow & { merchant: MerchantRow }>>(
      `SELECT k.id, k.merchant_id, k.lookup_prefix, k.digest, k.created_at, k.revoked_at, row_to_json(m) AS merchant
         FROM merchant_api_keys k JOIN merchants m ON m.id = k.merchant_id
        WHERE k.lookup_prefix = $1 AND k.revoked_at IS NULL`,
      [lookupPrefix],
    );
    if (rows.length === 0) return null;
    const merchant = rows[0].merchant;
    return { key: toKey(rows[0]), merchant: toMerchant({ ...merchant, created_at: new Date(merchant.created_at) }) };
  }

  private manager(tx?: InTransaction): EntityManager {
    return tx?.manager ?? this.dataSource.manager;
  }
}

function toMerchant(row: MerchantRow): Merchant {
  return {
    id: row.id,
    ownerUserId: row.owner_user_id,
    displayName: row.display_name,
    categoryCode: row.category_code,
    handle: row.handle,
    handleSkeleton: row.handle_skeleton,
    settlementAddress: row.settlement_address,
    verified: row.verified,
    createdAt: row.created_at,
  };
}

function toKey(row: KeyRow): MerchantApiKeyRecord {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    lookupPrefix: row.lookup_prefix,
    digest: row.digest,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
