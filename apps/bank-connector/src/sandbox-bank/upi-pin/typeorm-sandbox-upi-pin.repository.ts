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

/** Expired uses forgotten per chunk that takes blocks: FORGET_PER_CALL for each of up to 16 debits. */
const FORGET_PER_CHUNK = 256;

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

/** A chunk's takes at its end (writeTakenPinBlocks): blocks $1 taken at $2, forgetting as TAKE_PIN_BLOCK_SQL does. */
export const TAKE_PIN_BLOCKS_SQL = `WITH forgotten AS (
   DELETE FROM sandbox_pin_block_uses
    WHERE block_id IN (
      SELECT block_id FROM sandbox_pin_block_uses
       WHERE used_at < $3 AND block_id <> ALL($1::char(43)[])
       ORDER BY used_at LIMIT ${FORGET_PER_CHUNK} FOR UPDATE SKIP LOCKED)
 )
 INSERT INTO sandbox_pin_block_uses (block_id, used_at)
 SELECT * FROM unnest($1::char(43)[], $2::timestamptz[])
 ON CONFLICT (block_id) DO NOTHING RETURNING block_id`;

/**
 * A chunk's accounts with their PIN records (`used_block_id` null), then those of its blocks taken
 * before (only `used_block_id`): one statement for both. No FOR UPDATE: the caller holds the
 * accounts' locks, and every write of a PIN record takes them first; a block another transaction
 * takes meanwhile shows as a conflict when the chunk writes its takes. The kind is checked by the
 * caller, not here: with it here and statistics from before the bench's accounts were opened,
 * PostgreSQL walked the partial index of customers' mobiles and filtered every customer by id
 * (0.6 ms a chunk).
 */
const READ_CHUNK_PINS_SQL = `
  SELECT a.id, a.kind, a.bank_code, p.pin_hash, p.failed_tries, NULL::char(43) AS used_block_id
    FROM sandbox_accounts a
    LEFT JOIN sandbox_upi_pins p ON p.account_id = a.id
   WHERE a.id = ANY($1::uuid[])
  UNION ALL
  SELECT NULL, NULL, NULL, NULL, NULL, u.block_id
    FROM sandbox_pin_block_uses u
   WHERE u.block_id = ANY($2::char(43)[])`;

type ChunkPinRow = { readonly id: string; readonly kind: string; readonly used_block_id: null } & AccountPinRow;
type UsedPinBlockRow = { readonly id: null; readonly used_block_id: string };

/** What rememberChunkPins read for a transaction, kept up to date by its writes and takes. */
interface ChunkPinMemory {
  /** By lower-case account id: null for an account that is not a customer's. */
  readonly accounts: Map<string, SandboxPinAccount | null>;
  /** The blocks read up front: whether each is taken (before the chunk, or by one of its debits). */
  readonly blocks: Map<string, boolean>;
  /** Taken from memory and not written yet. */
  readonly taken: Array<{ readonly blockId: string; readonly at: Date }>;
  /** The newest `forgetBefore` a take from memory was given. */
  forgetBefore: Date | null;
}

/** sandbox_upi_pins and sandbox_pin_block_uses (migration 1764630000000). */
@Injectable()
export class TypeOrmSandboxUpiPinRepository extends SandboxUpiPinRepository {
  /** Per transaction (its EntityManager), what rememberChunkPins read. */
  private readonly remembered = new WeakMap<EntityManager, ChunkPinMemory>();

  async lockAccountPin(tx: InTransaction, accountRef: string): Promise<SandboxPinAccount | null> {
    const remembered = this.remembered.get(tx.manager)?.accounts.get(accountRef.toLowerCase());
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

  async rememberChunkPins(tx: InTransaction, chunk: { readonly accountRefs: readonly string[]; readonly pinBlockIds: readonly string[] }): Promise<void> {
    if ((this.remembered.get(tx.manager)?.taken.length ?? 0) > 0) throw new Error("a chunk's PIN block takes were left unwritten (writeTakenPinBlocks)");
    if (chunk.accountRefs.length === 0 && chunk.pinBlockIds.length === 0) return;
    // Keyed as PostgreSQL writes a uuid (lower case), whatever case the legs used.
    const accountRefs = [...new Set(chunk.accountRefs.map((ref) => ref.toLowerCase()))];
    const pinBlockIds = [...new Set(chunk.pinBlockIds)];
    const rows = await tx.manager.query<Array<ChunkPinRow | UsedPinBlockRow>>(READ_CHUNK_PINS_SQL, [accountRefs, pinBlockIds]);
    const memory: ChunkPinMemory = { accounts: new Map(accountRefs.map((ref) => [ref, null])), blocks: new Map(pinBlockIds.map((id) => [id, false])), taken: [], forgetBefore: null };
    for (const row of rows) {
      if (row.id === null) memory.blocks.set(row.used_block_id, true);
      else if (row.kind === 'customer') memory.accounts.set(row.id, pinAccountOf(row));
    }
    this.remembered.set(tx.manager, memory);
  }

  async writeTakenPinBlocks(tx: InTransaction): Promise<void> {
    const memory = this.remembered.get(tx.manager);
    this.remembered.delete(tx.manager);
    if (memory?.forgetBefore == null || memory.taken.length === 0) return;
    const { taken, forgetBefore } = memory;
    const written = await tx.manager.query<Array<{ block_id: string }>>(TAKE_PIN_BLOCKS_SQL, [taken.map(({ blockId }) => blockId), taken.map(({ at }) => at), forgetBefore]);
    if (written.length !== taken.length) {
      throw new Error(`${taken.length - written.length} of the chunk's ${taken.length} PIN blocks were taken by another transaction since the chunk read them`);
    }
  }

  /** A remembered account's PIN record after this transaction wrote it (`written` from the one remembered; null: removed). */
  private rememberWrite(tx: InTransaction, accountRef: string, written: (pin: StoredUpiPin | null) => StoredUpiPin | null): void {
    const accounts = this.remembered.get(tx.manager)?.accounts;
    const key = accountRef.toLowerCase();
    const account = accounts?.get(key);
    if (accounts && account) accounts.set(key, { ...account, pin: written(account.pin) });
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
    const memory = this.remembered.get(tx.manager);
    const takenBefore = memory?.blocks.get(blockId);
    if (memory !== undefined && takenBefore !== undefined) {
      if (takenBefore) return false;
      memory.blocks.set(blockId, true);
      memory.taken.push({ blockId, at });
      if (memory.forgetBefore === null || forgetBefore > memory.forgetBefore) memory.forgetBefore = forgetBefore;
      return true;
    }
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
