import type { EntityManager } from 'typeorm';
import type { EventType, KirimEvent, TopicAddress, TrustedSigningKeys } from '@kirim/contracts';
import type { DeadLetterHooks } from './consumer/dead-letter.store';

/** An event a use case wants to emit; it is written to the outbox in the caller's transaction. */
export interface OutgoingEvent<T extends object = object> {
  readonly type: EventType;
  /** Record key: the aggregate id (paymentId, userId) so the aggregate's messages stay in order. */
  readonly key: string;
  readonly data: T;
  readonly subject?: string;
}

/**
 * One database transaction in which a use case changes state and emits events. The events reach
 * Kafka only if the transaction commits (transactional outbox).
 */
export interface TransactionScope {
  readonly manager: EntityManager;
  /** Validates `event.data` against the contract and appends it to the outbox. Throws on a contract violation (a bug). */
  publish<T extends object>(event: OutgoingEvent<T>): Promise<void>;
  /**
   * Runs `callback` once this transaction has committed, and never if it rolls back: for what must
   * happen once per committed change however often the work is retried (a metric counted). In a
   * consumer chunk, only the callbacks of each message's committed attempt run. A callback that
   * throws is logged and the others still run; the caller never sees it.
   */
  afterCommit(callback: () => void): void;
}

/**
 * What an `@EventPattern` handler receives as `@Ctx()`: the transaction the whole batch runs in
 * (the inbox record of this message is written in it too), and where the message came from.
 */
export interface InboundMessageContext {
  readonly tx: TransactionScope;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** What an `@EventPattern` handler receives as `@Payload()`. */
export type InboundEvent<T> = KirimEvent<T>;

export interface MessagingOptions {
  /** CloudEvents `source` of this service, e.g. EVENT_SOURCES.PAYMENTS. */
  readonly source: string;
  /** kafkajs client id; defaults to the source's last segment. */
  readonly clientId?: string;
  /** Set for services that consume: explicit group id and the concrete topics consumed (unprefixed). */
  readonly consumer?: {
    readonly groupId: string;
    readonly topics: readonly string[];
    /**
     * Topic addresses whose event types the service handles even when no concrete topic of them is
     * consumed now: bank-connector handles partner answers whether or not a partner is registered.
     */
    readonly handledAddresses?: readonly TopicAddress[];
  };
  /** Partner banks this service writes to: their request topics count as its own (readiness). */
  readonly partnerBankCodes?: readonly string[];
  /** Signing keys of parties outside kirim (partner banks) whose signed records this service reads. */
  readonly trustedSigners?: TrustedSigningKeys;
  /** What the service does when one of its consumed records is dead-lettered, and when one is replayed (docs/dead-letters.md). */
  readonly deadLetterHooks?: DeadLetterHooks;
}

/** How a chunk's transaction runs its handlers, as a ChunkPreparer is told. */
export interface ChunkRun {
  /**
   * True when the chunk's handlers commit or fail together (the batch processor's fast path): their
   * writes may then be left to `finishChunk`. False when each message runs under its own savepoint
   * (the careful replay, a dead-letter replay): a write left for later would outlive a message
   * rolled back to its savepoint, so each handler must make its own.
   */
  readonly asOne: boolean;
}

/**
 * Runs at the start of every consumer chunk's transaction, before any handler, with the chunk's
 * validated events. A service whose handlers lock rows that other chunks also lock takes those
 * locks here, in one sorted order, so concurrent chunks (other partitions, other replicas) never
 * deadlock.
 */
export interface ChunkPreparer {
  prepareChunk(events: readonly InboundEvent<object>[], manager: EntityManager, run: ChunkRun): Promise<void>;
  /**
   * Runs after a chunk's last handler when it ran `asOne`, before its outgoing messages are written:
   * a preparer that let the handlers leave writes for later (one set-based statement instead of one
   * per message) makes them here. If it throws, the chunk is replayed message by message.
   */
  finishChunk?(manager: EntityManager): Promise<void>;
}

/** The transaction a repository method works in: a TransactionScope, or anything carrying its manager. */
export type InTransaction = Pick<TransactionScope, 'manager'>;
