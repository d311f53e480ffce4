import { Counter, Gauge, Histogram } from 'prom-client';
import { serviceMetrics } from '@kirim/platform';
import type { CircuitState } from './circuit-breaker';
import type { DeliveryChannelName } from './delivery';

/** What became of one attempt: delivered, to be retried, dead (refused or out of attempts). */
export type AttemptOutcome = 'delivered' | 'retry' | 'dead';

const deliveries = new Counter({
  name: 'kirim_notification_delivery_attempts_total',
  help: 'Notification delivery attempts, by channel and outcome (delivered, retry, dead)',
  labelNames: ['channel', 'outcome'],
  registers: [serviceMetrics],
});

const attemptDuration = new Histogram({
  name: 'kirim_notification_delivery_attempt_seconds',
  help: 'How long one delivery attempt took, answer or timeout, by channel',
  labelNames: ['channel'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [serviceMetrics],
});

const circuitState = new Gauge({
  name: 'kirim_notification_delivery_circuit_state',
  help: "Each delivery endpoint's circuit in this process: 0 closed, 1 half-open, 2 open",
  labelNames: ['endpoint'],
  registers: [serviceMetrics],
});

const CIRCUIT_VALUES: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** The delivery worker's metrics, served on notifications' `/metrics` with the rest (serviceMetrics). */
export const deliveryMetrics = {
  attempt(channel: DeliveryChannelName, outcome: AttemptOutcome, seconds?: number): void {
    deliveries.inc({ channel, outcome });
    if (seconds !== undefined) attemptDuration.observe({ channel }, seconds);
  },
  circuit(endpointKey: string, state: CircuitState): void {
    circuitState.set({ endpoint: endpointKey }, CIRCUIT_VALUES[state]);
  },
  /** How many attempts ended so (tests read it). */
  async count(channel: DeliveryChannelName, outcome: AttemptOutcome): Promise<number> {
    const metric = await deliveries.get();
    return metric.values.find((value) => value.labels.channel === channel && value.labels.outcome === outcome)?.value ?? 0;
  },
};
