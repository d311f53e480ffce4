import type { ResultCode } from '@kirim/contracts';
import type { AccountLookupRequest, LegRequest } from '../requests/partner-request';

/** Codes a bank may decline a leg with: any UPI result code but success ('00') and pending ('01'). */
export type DeclineCode = Exclude<ResultCode, '00' | '01'>;

/**
 * What the bank decided about a leg. Success carries the 12-digit RRN the bank assigned; a decline
 * its UPI code (Z9 insufficient funds, XH remitter account missing on a debit, XI beneficiary account
 * missing on a credit, U30/U31 technical failure) and optionally a short reason with nothing personal.
 */
export type LegDecision =
  | { readonly outcome: 'succeeded'; readonly rrn: string }
  | { readonly outcome: 'declined'; readonly resultCode: DeclineCode; readonly reason?: string };

/** What the bank recorded for a requestId: the fingerprint of the request it answered and its decision. */
export interface RecordedLeg {
  readonly fingerprint: string;
  readonly decision: LegDecision;
}

/** One account in a lookup answer: the bank's opaque reference (a UUID), the number masked (`XXXXXXXX1234`) and the holder's registered name. */
export interface PartnerAccount {
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  /** As the bank registered it; kirim shows it masked to payers (at most 100 characters). */
  readonly holderName: string;
}

/**
 * The bank's side of the kit: its ledger and its customer directory. The kit calls it only with
 * requests that passed every check, and runs each leg as ONE transaction of the bank's database:
 *
 *   inTransaction(tx =>
 *     findRecordedLeg(tx, requestId)        -- locks the requestId (even when absent) until commit
 *     if recorded: compare fingerprints      -- equal: the recorded answer again; else: refused
 *     else: applyLeg(tx, leg)                 -- move the money, or decide to decline
 *           recordLeg(tx, leg, decision))     -- store requestId, fingerprint and decision
 *
 * so the movement and the record of its answer commit together or not at all, and the answer is
 * sent only after that commit. `Tx` is whatever the bank's database client calls a transaction.
 */
export interface PartnerBankPort<Tx = unknown> {
  /** Runs `work` in one database transaction: commits when it resolves, rolls back when it throws. */
  inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;

  /**
   * The answer recorded for `requestId`, or null. Must serialise concurrent transactions on the same
   * requestId (e.g. `pg_advisory_xact_lock` on its hash, or `SELECT ... FOR UPDATE` plus a unique key),
   * so two deliveries of one request cannot both find nothing and both move money.
   */
  findRecordedLeg(tx: Tx, requestId: string): Promise<RecordedLeg | null>;

  /**
   * Decides the leg and, on success, moves the money, in `tx`. A debit never overdraws a customer's
   * account (decline Z9); an unknown account is declined XH (debit) or XI (credit).
   */
  applyLeg(tx: Tx, leg: LegRequest): Promise<LegDecision>;

  /**
   * Stores `leg.requestId`, `leg.fingerprint` and `decision` in `tx`. Must fail if the requestId is
   * already recorded (a unique key): the kit then rolls back and tries again, finding the record.
   */
  recordLeg(tx: Tx, leg: LegRequest, decision: LegDecision): Promise<void>;

  /** The accounts the bank holds for the lookup's mobile number (masked numbers only). Reads nothing else. */
  lookupAccounts(lookup: AccountLookupRequest): Promise<readonly PartnerAccount[]>;
}
