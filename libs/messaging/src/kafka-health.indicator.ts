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

  constructor(
    private readonly admin: Admin,
    private readonly relay: OutboxRelay,
    private readonly consumer?: ConsumerState,
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
        broker: brokerError ? `unreachable: ${brokerError}` : 'reachable',
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
