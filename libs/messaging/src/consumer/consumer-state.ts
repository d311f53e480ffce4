import type { Consumer } from 'kafkajs';

/** Applied chunks kept for applyDelayMs: a bound on memory, far above what a window of a few seconds holds in practice. */
const MAX_RECENT_CHUNKS = 10_000;

/**
 * What readiness needs to know about the consumer: has it joined its group, and is it still
 * fetching. A consumer that has stopped fetching (broker gone, crashed) is not ready even though
 * its process is alive; Terminus' own Kafka check cannot tell that.
 */
export class ConsumerState {
  private joined = false;
  private lastActivityAt = 0;
  /** The chunks being applied now, each by when its oldest record was produced (ms). */
  private readonly inHand = new Set<{ readonly producedAt: number }>();
  /** Chunks applied lately: when, and how long their oldest record had waited since it was produced. */
  private recent: { readonly appliedAt: number; readonly delayMs: number }[] = [];

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
   * A chunk whose oldest record was produced at `producedAt` (the Kafka record timestamp, ms) is
   * being applied; call the function returned once it is done, applied or not.
   */
  startApplying(producedAt: number): () => void {
    if (!Number.isFinite(producedAt) || producedAt <= 0) return () => undefined;
    const chunk = { producedAt };
    this.inHand.add(chunk);
    return () => {
      if (!this.inHand.delete(chunk)) return;
      const now = Date.now();
      this.recent.push({ appliedAt: now, delayMs: Math.max(0, now - producedAt) });
      if (this.recent.length > MAX_RECENT_CHUNKS) this.recent = this.recent.slice(-MAX_RECENT_CHUNKS);
    };
  }

  /**
   * How long records wait between being produced and being applied by this consumer, ms: the
   * longest of the chunks applied within the last `windowMs`, and the age of the oldest record of a
   * chunk in hand. 0 with neither. Records that wait on the broker behind others, or in kafkajs's
   * fetched batches, count as soon as their chunk starts or ends; a slow producer (a slow bank) does
   * not count at all: its records are late when produced, not when applied.
   */
  applyDelayMs(windowMs: number, now = Date.now()): number {
    this.recent = this.recent.filter((chunk) => now - chunk.appliedAt <= windowMs);
    let delay = 0;
    for (const chunk of this.recent) delay = Math.max(delay, chunk.delayMs);
    for (const chunk of this.inHand) delay = Math.max(delay, now - chunk.producedAt);
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
