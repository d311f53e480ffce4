import type { DataSource } from 'typeorm';
import type { InTransaction } from '@kirim/messaging';
import { KnownMerchant, MerchantDirectory } from './merchant-directory';

interface MerchantRow {
  merchant_id: string;
  owner_user_id: string;
  display_name: string;
  onboarded_at: Date;
}

/** PostgreSQL adapter of MerchantDirectory (the `merchants` table, payments' onboarding announcements). */
export class TypeOrmMerchantDirectory extends MerchantDirectory {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async record(tx: InTransaction, merchant: KnownMerchant): Promise<void> {
    // A merchant's owner never changes, so the first announcement is the truth and a redelivered or
    // replayed one changes nothing.
    await tx.manager.query(
      `INSERT INTO merchants (merchant_id, owner_user_id, display_name, onboarded_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id) DO NOTHING`,
      [merchant.merchantId, merchant.ownerUserId, merchant.displayName, merchant.onboardedAt],
    );
  }

  async findById(merchantId: string): Promise<KnownMerchant | null> {
    return this.selectOne(this.dataSource.manager, merchantId);
  }

  async findByIdIn(tx: InTransaction, merchantId: string): Promise<KnownMerchant | null> {
    return this.selectOne(tx.manager, merchantId);
  }

  private async selectOne(manager: InTransaction['manager'], merchantId: string): Promise<KnownMerchant | null> {
    const rows: MerchantRow[] = await manager.query(`SELECT merchant_id, owner_user_id, display_name, onboarded_at FROM merchants WHERE merchant_id = $1`, [merchantId]);
    const row = rows[0];
    return row === undefined ? null : { merchantId: row.merchant_id, ownerUserId: row.owner_user_id, displayName: row.display_name, onboardedAt: row.onboarded_at };
  }
}
