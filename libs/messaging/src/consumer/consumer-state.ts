import type { Consumer } from 'kafkajs';

/**
 * What readiness needs to know about the consumer: has it joined its group, and is it still
 * fetching. A consumer that has stopped fetching (broker gone, crashed) is not ready even though
 * its process is alive; Terminus' own Kafka check cannot tell that. And, for backpressure, how late
 * it applies the records it is sent (applyDelayMs).
 */
export class ConsumerState {
  private joined = false;
  private lastActivityAt = 0;
  /** Per partition (`topic\u0000partition`), how late its records are applied: see applyDelayMs. */
  private readonly delays = new Map<string, PartitionDelay>();

  constructor(private readonly staleAfterMs: number) {}

  watch(consumer: Consumer): void {
    const touch = (): void => {
      this.lastActivityAt = Date.now();
    };
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      touch();
    });
    consumer.on(consumer.events.FETCH, touch);
    consumer.on(consumer.events.HEARTBEAT, touch);
    consumer.on(consumer.events.CRASH, () => (this.joined = false));
    consumer.on(consumer.events.STOP, () => (this.joined = false));
    consumer.on(consumer.events.DISCONNECT, () => (this.joined = false));
  }

  markProgress(): void {
    this.lastActivityAt = Date.now();
  }

  /**
   * A chunk of `partition` whose oldest record was produced at `producedAt` (the Kafka record
   * timestamp, ms) is being applied. Call the function returned once it is done, saying whether the
   * partition was then caught up (nothing behind the chunk when its batch was fetched).
   */
  startApplying(partition: string, producedAt: number): (caughtUp: boolean) => void {
    if (!Number.isFinite(producedAt) || producedAt <= 0) return () => undefined;
    const entry: PartitionDelay = { inHandSince: producedAt, lastDelayMs: 0, caughtUp: false, updatedAt: Date.now() };
    this.delays.set(partition, entry);
    return (caughtUp) => {
      if (this.delays.get(partition) !== entry) return;
      const now = Date.now();
      this.delays.set(partition, { inHandSince: undefined, lastDelayMs: Math.max(0, now - producedAt), caughtUp, updatedAt: now });
    };
  }

  /**
   * How late this consumer applies what it is sent, ms: the longest, over its partitions, of the age
   * of the oldest record of a chunk being applied, or, between chunks, how late the last chunk was
   * applied unless the partition was caught up by then. A partition not heard of for `windowMs` (no
   * longer assigned here, or idle) does not count. A slow producer (a slow bank) does not count at
   * all: its records are late when produced, not when applied.
   */
  applyDelayMs(windowMs: number, now = Date.now()): number {
    let delay = 0;
    for (const [partition, entry] of this.delays) {
      if (entry.inHandSince !== undefined) {
        delay = Math.max(delay, now - entry.inHandSince);
      } else if (now - entry.updatedAt > windowMs) {
        this.delays.delete(partition);
      } else if (!entry.caughtUp) {
        delay = Math.max(delay, entry.lastDelayMs);
      }
    }
    return delay;
  }

  markStopped(): void {
    this.joined = false;
  }

  snapshot(now = Date.now()): { running: boolean; joined: boolean; lastActivityMsAgo: number | null } {
    const ago = this.lastActivityAt === 0 ? null : now - this.lastActivityAt;
    return { running: this.joined && ago !== null && ago <= this.staleAfterMs, joined: this.joined, lastActivityMsAgo: ago };
  }
}

interface PartitionDelay {
  /** When the oldest record of the chunk being applied was produced; undefined between chunks. */
  readonly inHandSince: number | undefined;
  /** How long the last chunk applied had waited since its oldest record was produced. */
  readonly lastDelayMs: number;
  /** Nothing was behind the last chunk applied when its batch was fetched. */
  readonly caughtUp: boolean;
  readonly updatedAt: number;
}
