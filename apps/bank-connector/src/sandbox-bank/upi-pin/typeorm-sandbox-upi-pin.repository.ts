import { Injectable } from '@nestjs/common';
import type { StoredUpiPin } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import { SandboxPinAccount, SandboxUpiPinRepository } from './sandbox-upi-pin.repository';

interface AccountPinRow {
  bank_code: string;
  pin_hash: string | null;
  failed_tries: number | null;
}

function pinAccountOf(row: AccountPinRow): SandboxPinAccount {
  return { bankCode: row.bank_code, pin: row.pin_hash === null ? null : { pinHash: row.pin_hash, failedTries: row.failed_tries ?? 0 } };
}

/** Expired PIN block uses forgotten per block taken: more than one, so the table shrinks after a burst. */
const FORGET_PER_CALL = 16;

/**
 * Takes block $1 at $2, forgetting up to FORGET_PER_CALL uses from before $3 (see takePinBlock).
 * The limit is written into the text, not a parameter: for a parameter the generic plan assumes a
 * tenth of the table and hash-joins it, so PostgreSQL kept planning the statement on every debit.
 */
export const TAKE_PIN_BLOCK_SQL = `WITH forgotten AS (
   DELETE FROM sandbox_pin_block_uses
    WHERE block_id IN (
      SELECT block_id FROM sandbox_pin_block_uses
       WHERE used_at < $3 AND block_id <> $1
       ORDER BY used_at LIMIT ${FORGET_PER_CALL} FOR UPDATE SKIP LOCKED)
 )
 INSERT INTO sandbox_pin_block_uses (block_id, used_at) VALUES ($1, $2) ON CONFLICT (block_id) DO NOTHING RETURNING block_id`;

/** sandbox_upi_pins and sandbox_pin_block_uses (migration 1764630000000). */
@Injectable()
export class TypeOrmSandboxUpiPinRepository extends SandboxUpiPinRepository {
  /** Per transaction (its EntityManager), what rememberAccountPins read, by lower-case account id: null for an account that is not a customer's. */
  private readonly remembered = new WeakMap<EntityManager, Map<string, SandboxPinAccount | null>>();

  async lockAccountPin(tx: InTransaction, accountRef: string): Promise<SandboxPinAccount | null> {
    const remembered = this.remembered.get(tx.manager)?.get(accountRef.toLowerCase());
    if (remembered !== undefined) return remembered;
    // The account row first, as the ledger locks it: one lock order, so no deadlock with a debit.
    const rows = await tx.manager.query<AccountPinRow[]>(
      `SELECT a.bank_code, p.pin_hash, p.failed_tries
         FROM sandbox_accounts a
         LEFT JOIN sandbox_upi_pins p ON p.account_id = a.id
        WHERE a.id = $1 AND a.kind = 'customer'
          FOR UPDATE OF a`,
      [accountRef],
    );
    const [row] = rows;
    return row ? pinAccountOf(row) : null;
  }

  async rememberAccountPins(tx: InTransaction, accountRefs: readonly string[]): Promise<void> {
    if (accountRefs.length === 0) return;
    // Keyed as PostgreSQL writes a uuid (lower case), whatever case the legs used.
    const unique = [...new Set(accountRefs.map((ref) => ref.toLowerCase()))];
    // No FOR UPDATE: the caller holds the accounts' locks, and every write of a PIN record takes them
    // first. The kind is checked here, not in SQL: with it there and statistics from before the
    // bench's accounts were opened, PostgreSQL walked the partial index of customers' mobiles and
    // filtered every customer by id (0.6 ms a chunk).
    const rows = await tx.manager.query<Array<AccountPinRow & { id: string; kind: string }>>(
      `SELECT a.id, a.kind, a.bank_code, p.pin_hash, p.failed_tries
         FROM sandbox_accounts a
         LEFT JOIN sandbox_upi_pins p ON p.account_id = a.id
        WHERE a.id = ANY($1::uuid[])`,
      [unique],
    );
    const remembered = new Map<string, SandboxPinAccount | null>(unique.map((ref) => [ref, null]));
    for (const row of rows) if (row.kind === 'customer') remembered.set(row.id, pinAccountOf(row));
    this.remembered.set(tx.manager, remembered);
  }

  /** A remembered account's PIN record after this transaction wrote it (`written` from the one remembered; null: removed). */
  private rememberWrite(tx: InTransaction, accountRef: string, written: (pin: StoredUpiPin | null) => StoredUpiPin | null): void {
    const remembered = this.remembered.get(tx.manager);
    const key = accountRef.toLowerCase();
    const account = remembered?.get(key);
    if (remembered && account) remembered.set(key, { ...account, pin: written(account.pin) });
  }

  async savePin(tx: InTransaction, accountRef: string, pin: StoredUpiPin, at: Date): Promise<void> {
    if (pin.pinHash === null) throw new Error('savePin needs a PIN hash; clearPin removes a PIN');
    await tx.manager.query(
      `INSERT INTO sandbox_upi_pins (account_id, pin_hash, failed_tries, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE SET pin_hash = EXCLUDED.pin_hash, failed_tries = EXCLUDED.failed_tries, updated_at = EXCLUDED.updated_at`,
      [accountRef, pin.pinHash, pin.failedTries, at],
    );
    this.rememberWrite(tx, accountRef, () => ({ pinHash: pin.pinHash, failedTries: pin.failedTries }));
  }

  async saveFailedTries(tx: InTransaction, accountRef: string, failedTries: number, at: Date): Promise<void> {
    await tx.manager.query(`UPDATE sandbox_upi_pins SET failed_tries = $2, updated_at = $3 WHERE account_id = $1`, [accountRef, failedTries, at]);
    this.rememberWrite(tx, accountRef, (pin) => pin && { ...pin, failedTries });
  }

  async clearPin(tx: InTransaction, accountRef: string): Promise<boolean> {
    const deleted = await tx.manager.query<Array<{ account_id: string }>>(`DELETE FROM sandbox_upi_pins WHERE account_id = $1 RETURNING account_id`, [accountRef]);
    this.rememberWrite(tx, accountRef, () => null);
    return deleted.length > 0;
  }

  async takePinBlock(tx: InTransaction, blockId: string, at: Date, forgetBefore: Date): Promise<boolean> {
    // A few of the blocks that just expired, on every call: an index range scan, bounded, and skipping
    // rows a concurrent debit is already deleting. A plain DELETE of all expired rows made every debit
    // of a busy bank wait on the one that got there first (2.9 ms mean at 10 payments/s, the costliest
    // statement of bank-connector). Forgetting is housekeeping: a block this old is refused as stale.
    // One statement with the insert (a CTE runs once, to completion); the block being taken is never
    // among those forgotten, so its own earlier use always shows as the conflict it is.
    const inserted = await tx.manager.query<Array<{ block_id: string }>>(TAKE_PIN_BLOCK_SQL, [blockId, at, forgetBefore]);
    return inserted.length > 0;
  }
}
