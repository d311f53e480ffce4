import type { InTransaction } from '@kirim/messaging';

/**
 * One account of a partner's lookup answer as bank-connector works with it: the holder's name in
 * clear, decrypted from the answer's `encryptedHolderName` (the adapter stores it encrypted at rest).
 */
export interface LookedUpAccount {
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  readonly holderName: string;
}

export interface RequestedLookup {
  readonly lookupId: string;
  readonly bankCode: string;
  /** E.164. The adapter keeps only its keyed hash (docs/data-at-rest.md), never the number. */
  readonly mobile: string;
  readonly requestedAt: Date;
}

export interface LockedLookup {
  readonly lookupId: string;
  readonly bankCode: string;
  readonly answered: boolean;
}

/** Account lookups sent to partner banks and their answers (port); TypeOrmPartnerAccountLookupRepository keeps them in PostgreSQL. */
export abstract class PartnerAccountLookupRepository {
  /** The accounts of the newest answer for this bank and number given at or after `since`; null if none. */
  abstract findAnswerSince(bankCode: string, mobile: string, since: Date): Promise<LookedUpAccount[] | null>;
  abstract recordRequested(tx: InTransaction, lookup: RequestedLookup): Promise<void>;
  /**
   * Waits up to `timeoutMs` for the answer to a lookup, whichever replica's consumer records it
   * (the answer lands in the database, not in this process); null when none came in time.
   */
  abstract waitForAnswer(lookupId: string, timeoutMs: number): Promise<LookedUpAccount[] | null>;
  abstract lockById(tx: InTransaction, lookupId: string): Promise<LockedLookup | null>;
  abstract recordAnswer(tx: InTransaction, lookupId: string, accounts: readonly LookedUpAccount[], at: Date): Promise<void>;
  /** Forgets lookups asked before `cutoff`; returns how many. */
  abstract deleteRequestedBefore(cutoff: Date): Promise<number>;
}
