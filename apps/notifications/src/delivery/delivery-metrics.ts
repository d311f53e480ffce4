import { Counter, Gauge, Histogram } from 'prom-client';
import { catalogued, serviceMetrics } from '@kirim/platform';
import type { CircuitState } from './circuit-breaker';
import { DELIVERY_CHANNELS, DeliveryChannelName } from './delivery';
import type { DeliveryChannel } from './delivery-channel';

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

const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'half-open', 'open'];

/**
 * The circuit of each endpoint the worker serves, as last seen, by endpoint key. The key stays in
 * here and never becomes a label: a merchant endpoint's key holds its id.
 */
const circuits = new Map<string, { readonly channel: DeliveryChannelName; readonly state: CircuitState }>();

new Gauge({
  ...catalogued('kirim_notification_delivery_circuits'),
  registers: [serviceMetrics],
  collect() {
    // Counted afresh at each scrape, every channel and state included (0 when none), so an
    // endpoint forgotten since the last scrape is gone from the counts.
    this.reset();
    for (const channel of DELIVERY_CHANNELS) for (const state of CIRCUIT_STATES) this.set({ channel, state }, 0);
    for (const { channel, state } of circuits.values()) this.inc({ channel, state });
  },
});

/** The delivery worker's metrics, served on notifications' `/metrics` with the rest (serviceMetrics). */
export const deliveryMetrics = {
  attempt(channel: DeliveryChannelName, outcome: AttemptOutcome, seconds?: number): void {
    deliveries.inc({ channel, outcome });
    if (seconds !== undefined) attemptDuration.observe({ channel }, seconds);
  },
  /** The state of `endpoint`'s circuit, counted under its channel. */
  circuit(endpoint: Pick<DeliveryChannel, 'channel' | 'endpointKey'>, state: CircuitState): void {
    circuits.set(endpoint.endpointKey, { channel: endpoint.channel, state });
  },
  /**
   * Stops counting the circuits of endpoints not in `served` (the worker's tick: a merchant endpoint
   * disabled or removed, or one with nothing due or in flight); one served again is counted again
   * at its next pass.
   */
  forgetCircuitsExcept(served: ReadonlySet<string>): void {
    for (const endpointKey of circuits.keys()) if (!served.has(endpointKey)) circuits.delete(endpointKey);
  },
  /** How many circuits of `channel` the gauge counts in `state` now (tests read it). */
  async circuitCount(channel: DeliveryChannelName, state: CircuitState): Promise<number> {
    const metric = await serviceMetrics.getSingleMetric('kirim_notification_delivery_circuits')?.get();
    return metric?.values.find((value) => value.labels.channel === channel && value.labels.state === state)?.value ?? 0;
  },
  /** How many attempts ended so (tests read it). */
  async count(channel: DeliveryChannelName, outcome: AttemptOutcome): Promise<number> {
    const metric = await deliveries.get();
    return metric.values.find((value) => value.labels.channel === channel && value.labels.outcome === outcome)?.value ?? 0;
  },
};
