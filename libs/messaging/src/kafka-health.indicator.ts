import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import type { ConsumerState } from './consumer/consumer-state';
import type { OutboxRelay } from './outbox/outbox-relay';
import { ConnectionGuard } from './kafka/connection-guard';

const BROKER_PROBE_TIMEOUT_MS = 1500;
const BROKER_PROBE_CACHE_MS = 1000;

/**
 * Kafka readiness: the broker answers, the outbox relay is not failing, and — for a service that
 * consumes — its consumer has joined its group and is fetching.
 */
export class KafkaReadinessCheck {
  readonly name = 'kafka';
  private cached?: { at: number; error?: string };
  private readonly adminConnection: ConnectionGuard;

  private topicsVerified = false;

  constructor(
    private readonly admin: Admin,
    private readonly relay: OutboxRelay,
    private readonly consumer?: ConsumerState,
    /** Topics this service produces to or consumes from; auto-create is off, so a missing one is an outage. */
    private readonly requiredTopics: readonly string[] = [],
  ) {
    this.adminConnection = ConnectionGuard.forAdmin(admin);
  }

  /** An arrow function so it can be handed around unbound (Terminus calls indicator functions bare). */
  readonly check = async (): Promise<HealthIndicatorResult> => {
    const brokerError = await this.probeBroker();
    const relay = this.relay.status();
    const consumer = this.consumer?.snapshot();
    const up = !brokerError && relay.healthy && (consumer === undefined || consumer.running);
    return {
      [this.name]: {
        status: up ? 'up' : 'down',
        broker: brokerError ?? 'reachable',
        outboxRelay: relay.healthy ? 'publishing' : `failing: ${relay.lastError ?? 'unknown'}`,
        ...(consumer ? { consumer: consumer.running ? 'running' : consumer.joined ? 'stalled' : 'not in group' } : {}),
      },
    };
  };

  private async probeBroker(): Promise<string | undefined> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < BROKER_PROBE_CACHE_MS) return this.cached.error;
    let error: string | undefined;
    try {
      await withTimeout(this.adminConnection.ensureConnected().then(() => this.admin.describeCluster()), BROKER_PROBE_TIMEOUT_MS);
      if (!this.topicsVerified) {
        const existing = new Set(await withTimeout(this.admin.listTopics(), BROKER_PROBE_TIMEOUT_MS));
        const missing = this.requiredTopics.filter((topic) => !existing.has(topic));
        // Reported here rather than by a relay stuck on its oldest row, which is all an operator would see.
        if (missing.length > 0) throw new Error(`missing topics (create them; auto-create is off): ${missing.join(', ')}`);
        this.topicsVerified = true;
      }
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    this.cached = { at: Date.now(), error };
    return error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
