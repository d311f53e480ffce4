import type { LegPurpose, ResultCode } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import type { SandboxAccountFreeze } from './sandbox-account.entity';
import type { LegDirection } from './sandbox-posting.entity';

/** A leg as the sandbox bank sees it: amounts already in minor units. */
export interface SandboxLegInput {
  readonly requestId: string;
  readonly paymentId: string;
  readonly purpose: LegPurpose;
  readonly direction: LegDirection;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amountMinor: bigint;
  readonly currency: string;
}

/** A leg of a consumer chunk, as lockLegAccounts takes it. */
export interface ChunkLeg {
  readonly accountRef: string;
  readonly requestId: string;
}

/** A check the bank makes before it moves money (the UPI PIN): null to go on, or the decline. */
export type LegAuthorization = () => Promise<{ readonly resultCode: ResultCode; readonly reason: string } | null>;

/**
 * `replayed` is true when the request id had been answered before and that answer is returned again.
 * `refused`: the request id was used before for another leg; nothing moved and nothing is answered.
 */
export type SandboxLegOutcome =
  | { readonly approved: true; readonly rrn: string; readonly replayed: boolean }
  | { readonly approved: false; readonly resultCode: ResultCode; readonly reason: string; readonly replayed: boolean }
  | { readonly approved: false; readonly refused: true; readonly reason: string };

export interface OpenSandboxAccountInput {
  readonly bankCode: string;
  readonly mobile: string;
  readonly holderName: string;
  readonly openingBalanceMinor: bigint;
  readonly currency: string;
}

export interface SandboxAccountView {
  readonly accountRef: string;
  readonly bankCode: string;
  /** Full number: callers mask it before it leaves the service. */
  readonly accountNumber: string;
  readonly holderName: string;
  readonly currency: string;
  readonly balanceMinor: bigint;
}

/** An account as the sandbox operator sees it: with its freeze, which discovery has no use for. */
export interface SandboxAccountAdminView extends SandboxAccountView {
  readonly freeze: SandboxAccountFreeze;
}

export interface SandboxLedgerSummary {
  readonly accounts: number;
  /** Customers plus settlement accounts, per currency: zero whenever the ledger is sound. */
  readonly totalMinorByCurrency: ReadonlyMap<string, bigint>;
  readonly customerTotalMinorByCurrency: ReadonlyMap<string, bigint>;
  /** Customer accounts whose stored balance differs from the sum of their entries: zero whenever the ledger is sound. */
  readonly unreconciledAccounts: number;
}

/** The sandbox banks' ledger (port); TypeOrmSandboxLedgerRepository keeps it in PostgreSQL. */
export abstract class SandboxLedgerRepository {
  /**
   * Locks the accounts of a chunk's legs in one sorted order, so concurrent chunks cannot deadlock.
   * With `remember`, also reads those accounts and the answers recorded for the legs' request ids,
   * once for the chunk: applyLeg in `tx` then decides those legs from memory, keeps it up to date,
   * and leaves their postings for writeDeferredPostings, which the caller must call before `tx`
   * commits. Only for a transaction whose legs commit or fail together: a leg rolled back to a
   * savepoint would leave memory ahead of the tables.
   */
  abstract lockLegAccounts(tx: InTransaction, legs: readonly ChunkLeg[], options: { readonly remember: boolean }): Promise<void>;
  /**
   * Applies a leg at most once per request id, in `tx`; a repeat gets the recorded answer, a reuse is
   * refused. `authorize` (the UPI PIN check of a debit) runs only for a leg with no recorded answer,
   * after the account is locked; a decline it returns is recorded and answered like any other.
   */
  abstract applyLeg(tx: InTransaction, leg: SandboxLegInput, authorize?: LegAuthorization): Promise<SandboxLegOutcome>;
  /**
   * Writes the postings applyLeg left for later in `tx` (nothing if it left none), with one statement,
   * and forgets what lockLegAccounts remembered: a leg applied in `tx` after it reads and writes the tables.
   */
  abstract writeDeferredPostings(tx: InTransaction): Promise<void>;
  abstract openAccount(input: OpenSandboxAccountInput): Promise<SandboxAccountView>;
  abstract findCustomerAccountsByMobile(mobile: string): Promise<SandboxAccountView[]>;
  /** The same accounts as findCustomerAccountsByMobile, as the sandbox operator sees them (with their freezes). */
  abstract findAccountsForOperator(mobile: string): Promise<SandboxAccountAdminView[]>;
  /**
   * Sets (or with 'none' lifts) the freeze on a customer account; null when no sandbox bank holds a
   * customer account under this reference. Waits for legs in flight on the account, and holds from
   * the next leg on: a leg answered before keeps its answer.
   */
  abstract setFreeze(accountRef: string, freeze: SandboxAccountFreeze): Promise<SandboxAccountAdminView | null>;
  abstract summarize(): Promise<SandboxLedgerSummary>;
}
