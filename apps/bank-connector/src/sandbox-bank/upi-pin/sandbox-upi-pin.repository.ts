import type { StoredUpiPin } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';

/** A sandbox account as its PIN check needs it: which bank holds it, and its PIN record. */
export interface SandboxPinAccount {
  readonly bankCode: string;
  /** Null when no PIN is set (never set, or reset by the operator). */
  readonly pin: StoredUpiPin | null;
}

/**
 * The sandbox banks' UPI PIN records (port): a salted keyed hash and the count of wrong tries per customer
 * account, and the PIN blocks already taken. TypeOrmSandboxUpiPinRepository keeps them in PostgreSQL.
 */
export abstract class SandboxUpiPinRepository {
  /**
   * The customer account and its PIN record, both locked (`FOR UPDATE`) in `tx`, so concurrent
   * debits of one account count their tries one after the other; null for an unknown account.
   */
  abstract lockAccountPin(tx: InTransaction, accountRef: string): Promise<SandboxPinAccount | null>;
  /**
   * Reads, once, the PIN records of accounts `tx` has locked already (a chunk's debits, locked by
   * SandboxLedgerRepository.lockLegAccounts) and whether the chunk's PIN blocks (`pinBlockIds`, read
   * from the blocks unopened: pinBlockIdOf) were taken before. lockAccountPin of one of those
   * accounts in `tx` then answers from memory, kept up to date by this repository's writes in `tx`,
   * and takePinBlock of one of those blocks decides from memory and leaves its write to
   * writeTakenPinBlocks. As with the ledger's memory, only for a transaction whose legs commit or
   * fail together.
   */
  abstract rememberChunkPins(tx: InTransaction, chunk: { readonly accountRefs: readonly string[]; readonly pinBlockIds: readonly string[] }): Promise<void>;
  /**
   * Writes the uses of the PIN blocks taken from memory in `tx`, and forgets the memory. Throws when
   * another transaction took one of them since they were read (the same block sent at once for a
   * debit of another account, which the chunk's account locks do not hold up): the chunk is then
   * replayed leg by leg, where its take is refused.
   */
  abstract writeTakenPinBlocks(tx: InTransaction): Promise<void>;
  /** Stores the hash and the try count (a set, a change, or a right PIN's hash upgraded to the current key). */
  abstract savePin(tx: InTransaction, accountRef: string, pin: StoredUpiPin, at: Date): Promise<void>;
  /** Stores a new try count for an account that has a PIN. */
  abstract saveFailedTries(tx: InTransaction, accountRef: string, failedTries: number, at: Date): Promise<void>;
  /** The operator's reset: the PIN and its tries are gone; false when the account had no PIN. */
  abstract clearPin(tx: InTransaction, accountRef: string): Promise<boolean>;
  /**
   * Records that a PIN block was taken; false when it had been taken before (a replay). Records
   * older than `forgetBefore` are dropped: a block that old is refused as stale anyway. For a block
   * `tx` remembered (rememberChunkPins), decided from memory and written by writeTakenPinBlocks.
   */
  abstract takePinBlock(tx: InTransaction, blockId: string, at: Date, forgetBefore: Date): Promise<boolean>;
}
