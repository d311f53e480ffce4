import type { Consumer } from 'kafkajs';

/**
 * What readiness needs to know about the consumer: has it joined its group, and is it still
 * fetching. A consumer that has stopped fetching (broker gone, crashed) is not ready even though
 * its process is alive; Terminus' own Kafka check cannot tell that.
 */
export class ConsumerState {
  private joined = false;
  private lastActivityAt = 0;

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

  markStopped(): void {
    this.joined = false;
  }

  snapshot(now = Date.now()): { running: boolean; joined: boolean; lastActivityMsAgo: number | null } {
    const ago = this.lastActivityAt === 0 ? null : now - this.lastActivityAt;
    return { running: this.joined && ago !== null && ago <= this.staleAfterMs, joined: this.joined, lastActivityMsAgo: ago };
  }
}
