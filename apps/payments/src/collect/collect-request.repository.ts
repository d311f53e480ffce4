import type { TransactionScope } from '@kirim/messaging';
import { ResultCode } from '@kirim/contracts';
import { CollectRequest } from './collect-request';

/** A transaction to work in (the messaging TransactionScope, or anything carrying its manager). */
export type InTransaction = Pick<TransactionScope, 'manager'>;

export type CollectInsertOutcome = { readonly inserted: true } | { readonly inserted: false; readonly existing: CollectRequest };

/** The approval written with its payment: a merchant's request also names the order it was paid through; a person's has none. */
export interface CollectApproval {
  readonly orderId: string | null;
  readonly paymentId: string;
  readonly at: Date;
}

/** Keyset position in a list ordered newest first: strictly older than (createdAt, id). */
export interface CollectListCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface PendingCollectQuery {
  readonly payerUserId: string;
  /** Only requests whose expiry is after this: one past it is expired, even before the poller writes it. */
  readonly now: Date;
  readonly before: CollectListCursor | null;
  readonly limit: number;
}

/** Storage of collect requests (port; the use cases see this, unit tests an in-memory fake). */
export abstract class CollectRequestRepository {
  /**
   * Inserts the request, or reports the request that holds its (merchant or requesting user, reference);
   * a concurrent twin waits and then sees it. In the caller's transaction, which announces a new one.
   */
  abstract insert(tx: InTransaction, request: CollectRequest): Promise<CollectInsertOutcome>;
  abstract findById(id: string, tx?: InTransaction): Promise<CollectRequest | null>;
  /**
   * `SELECT ... FOR UPDATE`: the answers to one request (approve, decline, expire) pass one at a
   * time, so exactly one of them changes a pending request.
   */
  abstract lockById(tx: InTransaction, id: string): Promise<CollectRequest | null>;
  /**
   * Locks up to `limit` pending requests whose expiry is at or before `now`, earliest first,
   * skipping rows another transaction holds (`FOR UPDATE SKIP LOCKED`): replicas' pollers share the
   * due requests, and a request being approved or declined right now is left to that answer.
   */
  abstract lockExpired(tx: InTransaction, now: Date, limit: number): Promise<CollectRequest[]>;
  abstract markApproved(tx: InTransaction, id: string, approval: CollectApproval): Promise<void>;
  abstract markDeclined(tx: InTransaction, id: string, at: Date): Promise<void>;
  abstract markExpired(tx: InTransaction, id: string, at: Date, resultCode: ResultCode): Promise<void>;
  /** The customer's requests still pending at `now`, merchants' and people's, newest first, after the cursor. */
  abstract listPending(query: PendingCollectQuery): Promise<CollectRequest[]>;
}
