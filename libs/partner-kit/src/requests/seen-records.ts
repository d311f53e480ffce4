import { RecordPosition, samePosition } from './partner-request';

/**
 * Replay protection: a request's ce_id is remembered with the position it was first read at.
 *
 * - the same ce_id at another position is a replay (someone re-published a signed record): refused;
 * - the same ce_id at the same position is Kafka redelivering it (a rebalance, a restart before the
 *   offset was committed): skipped silently once its outcome was sent, handled again otherwise (its
 *   answer may never have gone out; idempotency by requestId makes a second pass harmless).
 *
 * ce_ids need keeping only as long as a record bearing them could still pass the freshness check;
 * after that the check refuses a replay as late anyway. Several replicas of a bank must share the
 * store (a database table), or a replay on another partition would reach another replica unseen.
 */
export type SeenClaim =
  | { readonly kind: 'first' }
  | { readonly kind: 'same-record'; readonly handled: boolean }
  | { readonly kind: 'seen-elsewhere'; readonly firstSeenAt: RecordPosition };

export interface SeenRecordStore {
  /** Atomically remembers `ceId` at `position` unless it is known, and says what was known. */
  claim(ceId: string, position: RecordPosition, keepUntil: Date): Promise<SeenClaim>;
  /** The outcome of these records (answer or dead letter) was acknowledged by the broker. */
  markHandled(ceIds: readonly string[]): Promise<void>;
  /** Forgets ce_ids kept past their time; returns how many. */
  prune(now: Date): Promise<number>;
}

interface SeenEntry {
  readonly position: RecordPosition;
  handled: boolean;
  readonly keepUntil: number;
}

/** For one process, or tests. A bank running several replicas needs a shared store instead. */
export class InMemorySeenRecordStore implements SeenRecordStore {
  private readonly entries = new Map<string, SeenEntry>();

  async claim(ceId: string, position: RecordPosition, keepUntil: Date): Promise<SeenClaim> {
    const known = this.entries.get(ceId);
    if (!known) {
      this.entries.set(ceId, { position, handled: false, keepUntil: keepUntil.getTime() });
      return { kind: 'first' };
    }
    return samePosition(known.position, position) ? { kind: 'same-record', handled: known.handled } : { kind: 'seen-elsewhere', firstSeenAt: known.position };
  }

  async markHandled(ceIds: readonly string[]): Promise<void> {
    for (const ceId of ceIds) {
      const entry = this.entries.get(ceId);
      if (entry) entry.handled = true;
    }
  }

  async prune(now: Date): Promise<number> {
    let removed = 0;
    for (const [ceId, entry] of this.entries) {
      if (entry.keepUntil < now.getTime()) {
        this.entries.delete(ceId);
        removed += 1;
      }
    }
    return removed;
  }

  get size(): number {
    return this.entries.size;
  }
}
