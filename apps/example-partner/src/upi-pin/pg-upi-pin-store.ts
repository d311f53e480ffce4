import type { PoolClient } from 'pg';
import type { StoredUpiPin, UpiPinStore } from '@kirim/partner-kit';

/**
 * The bank's UPI PIN records in its own database (migration 1764632000000-upi-pins), behind the kit's
 * UpiPinStore. Every call runs in the caller's transaction, after the account row was locked.
 */
export class PgUpiPinStore implements UpiPinStore<PoolClient> {
  async findPin(tx: PoolClient, accountRef: string): Promise<StoredUpiPin | null> {
    const { rows } = await tx.query<{ pin_hash: string; failed_tries: number }>('SELECT pin_hash, failed_tries FROM upi_pins WHERE account_ref = $1 FOR UPDATE', [accountRef]);
    return rows[0] ? { pinHash: rows[0].pin_hash, failedTries: rows[0].failed_tries } : null;
  }

  async savePin(tx: PoolClient, accountRef: string, pinHash: string, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO upi_pins (account_ref, pin_hash, failed_tries, updated_at) VALUES ($1, $2, 0, $3)
       ON CONFLICT (account_ref) DO UPDATE SET pin_hash = EXCLUDED.pin_hash, failed_tries = 0, updated_at = EXCLUDED.updated_at`,
      [accountRef, pinHash, at],
    );
  }

  async saveFailedTries(tx: PoolClient, accountRef: string, failedTries: number, at: Date): Promise<void> {
    await tx.query('UPDATE upi_pins SET failed_tries = $2, updated_at = $3 WHERE account_ref = $1', [accountRef, failedTries, at]);
  }

  async takePinBlock(tx: PoolClient, blockId: string, at: Date, forgetBefore: Date): Promise<boolean> {
    // A few of the blocks that just became too old, on every call: bounded, and skipping rows a
    // concurrent debit is already deleting, so debits never wait on each other's housekeeping.
    await tx.query(
      'DELETE FROM pin_block_uses WHERE block_id IN (SELECT block_id FROM pin_block_uses WHERE used_at < $1 ORDER BY used_at LIMIT 16 FOR UPDATE SKIP LOCKED)',
      [forgetBefore],
    );
    const inserted = await tx.query('INSERT INTO pin_block_uses (block_id, used_at) VALUES ($1, $2) ON CONFLICT (block_id) DO NOTHING RETURNING block_id', [blockId, at]);
    return inserted.rowCount === 1;
  }

  /** The bank's reset: the PIN and its wrong tries are gone (a Z6 lock ends); false when there was none. */
  async clearPin(tx: PoolClient, accountRef: string): Promise<boolean> {
    const deleted = await tx.query('DELETE FROM upi_pins WHERE account_ref = $1', [accountRef]);
    return deleted.rowCount === 1;
  }
}
