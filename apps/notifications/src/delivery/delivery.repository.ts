import type { InTransaction } from '@kirim/messaging';
import type { ClaimedDelivery, DeliveryDraft, DeliveryRecord, DeliveryStatus } from './delivery';

export interface ClaimRequest {
  readonly endpointKey: string;
  readonly now: Date;
  readonly limit: number;
  /** Until when the claimed rows are this worker's; after it, another worker may claim them again. */
  readonly leaseUntil: Date;
}

/** How one claimed attempt ended, as stored. `attempt` guards against a worker whose lease lapsed. */
export type RecordedOutcome =
  | { readonly status: 'delivered'; readonly at: Date }
  | { readonly status: 'pending'; readonly nextAttemptAt: Date; readonly error: string }
  | { readonly status: 'dead'; readonly at: Date; readonly error: string };

/** One claimed attempt and how it ended. */
export interface AttemptRecord {
  readonly deliveryId: string;
  /** The claim's attempt number: the outcome is stored only over this claim. */
  readonly attempt: number;
  readonly outcome: RecordedOutcome;
}

export interface DeliveryPageRequest {
  readonly status?: DeliveryStatus;
  readonly limit: number;
  readonly after?: DeliveryCursor;
}

/** Where a newest-first page ends: the last row's created_at and id. */
export interface DeliveryCursor {
  readonly createdAt: Date;
  readonly deliveryId: string;
}

export interface DeliveryPage {
  readonly items: DeliveryRecord[];
  readonly next: DeliveryCursor | null;
}

export type ReplayOutcome =
  | { readonly outcome: 'replayed'; readonly delivery: DeliveryRecord }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'not-dead'; readonly delivery: DeliveryRecord }
  /** Dead, and its endpoint (a merchant's) was disabled: nothing would ever send it. */
  | { readonly outcome: 'endpoint-disabled'; readonly delivery: DeliveryRecord };

/** The inbox's view of one notification's deliveries. */
export interface DeliveryStatusView {
  readonly channel: DeliveryRecord['channel'];
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly deliveredAt: Date | null;
}

/** Where deliveries are kept (a port; typeorm-delivery.repository.ts is its adapter). */
export abstract class DeliveryRepository {
  /**
   * Writes the drafts in the caller's transaction; a draft whose (message, endpoint) exists is
   * skipped. Answers with how many were written (in a transaction that defers them: kept).
   */
  abstract insertPending(tx: InTransaction, drafts: readonly DeliveryDraft[]): Promise<number>;

  /**
   * From now on, insertPending in `tx` keeps its drafts for writeDeferredInserts, which writes them
   * all with one statement (a consumer chunk's deliveries). Only for a transaction whose messages
   * commit or fail together, and whose drafts are each for a message recorded in it, as every
   * caller's are: a draft that met an existing row would make writeDeferredInserts throw.
   */
  abstract deferInserts(tx: InTransaction): void;
  /** Writes what insertPending kept since deferInserts in `tx` (nothing if it kept nothing), and ends the deferring. */
  abstract writeDeferredInserts(tx: InTransaction): Promise<void>;

  /**
   * Claims up to `limit` of one endpoint's due rows (pending, or delivering with a lapsed lease),
   * skipping rows another worker holds, counts the attempt and sets the lease, in one statement.
   */
  abstract claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]>;

  /** The endpoints with a row due at `now` (what claimDue would find something for), so idle ones cost nothing. */
  abstract dueEndpointKeys(now: Date): Promise<Set<string>>;

  /**
   * Stores the outcomes of one pass's attempts together, each unless its row was claimed again since;
   * returns the ids of those stored.
   */
  abstract recordOutcomes(records: readonly AttemptRecord[]): Promise<Set<string>>;

  abstract list(request: DeliveryPageRequest): Promise<DeliveryPage>;

  /** dead → pending now, attempts reset, who and when recorded; anything else, or one to a disabled endpoint, is refused. */
  abstract replayDead(deliveryId: string, now: Date, operator: string): Promise<ReplayOutcome>;

  /** The deliveries of each notification, for the inbox. */
  abstract statusesOf(notificationIds: readonly string[]): Promise<Map<string, DeliveryStatusView[]>>;
}
