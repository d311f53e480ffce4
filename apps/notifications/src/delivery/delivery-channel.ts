import type { ClaimedDelivery, DeliveryChannelName, DeliveryOutcome } from './delivery';

/**
 * One endpoint of one channel: the chat platform's webhook today; merchant webhooks and SMS later
 * (docs/notifications.md). Each endpoint has a stable key: deliveries are written per endpoint, and
 * the worker paces, limits and breaks the circuit per endpoint, so a slow one delays no other.
 */
export abstract class DeliveryChannel {
  abstract readonly channel: DeliveryChannelName;
  /** Stable across restarts (it is stored on every delivery): `chat` for the one chat platform. */
  abstract readonly endpointKey: string;
  /** Sends one attempt. Never throws for what the endpoint did: every answer is an outcome. */
  abstract deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome>;
}

/**
 * The endpoints this deployment delivers to (a port: the app binds the configured ones, tests
 * their own). Empty when no channel is configured: then no delivery is written at all.
 */
export abstract class DeliveryEndpoints {
  abstract all(): readonly DeliveryChannel[];
}

/** A fixed list of endpoints; keys must be unique (a duplicate is a wiring bug, refused at boot). */
export class StaticDeliveryEndpoints extends DeliveryEndpoints {
  private readonly endpoints: readonly DeliveryChannel[];

  constructor(endpoints: readonly DeliveryChannel[]) {
    super();
    const keys = endpoints.map((endpoint) => endpoint.endpointKey);
    const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
    if (duplicate !== undefined) throw new Error(`two delivery endpoints share the key ${duplicate}`);
    this.endpoints = [...endpoints];
  }

  all(): readonly DeliveryChannel[] {
    return this.endpoints;
  }
}
