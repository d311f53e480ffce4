import type { ClaimedDelivery, DeliveryChannelName, DeliveryOutcome } from './delivery';

/**
 * One endpoint of one channel: the chat platform's webhook, or one merchant's webhook endpoint
 * (docs/notifications.md). Each endpoint has a stable key: deliveries are written per endpoint, and
 * the worker paces, limits and breaks the circuit per endpoint, so a slow one delays no other.
 */
export abstract class DeliveryChannel {
  abstract readonly channel: DeliveryChannelName;
  /**
   * Whose receipts it carries, when it is a receipts endpoint: every user's (the chat platform), or
   * only those of users without the app (SMS). Merchant endpoints carry merchant events only.
   */
  readonly audience: 'every-user' | 'users-without-app' = 'every-user';
  /**
   * Built from stored state at each tick (a merchant's endpoint, whose secret may be rotated): its
   * lane makes one pass and ends, so the next tick's channel, not this one, sends what is left.
   */
  readonly refreshedEachTick: boolean = false;
  /** Stable across restarts (it is stored on every delivery): `chat` for the one chat platform, `merchant:<id>` for a merchant's. */
  abstract readonly endpointKey: string;
  /** Sends one attempt. Never throws for what the endpoint did: every answer is an outcome. */
  abstract deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome>;
}

/**
 * The endpoints this deployment delivers to (a port: the app binds the configured ones and the
 * merchants' registered ones, tests their own).
 */
export abstract class DeliveryEndpoints {
  /**
   * Where every user's receipt goes: the configured endpoints (the chat platform's webhook). Empty
   * when none is configured: then a receipt gets no delivery at all.
   */
  abstract forReceipts(): readonly DeliveryChannel[];

  /**
   * The endpoints the worker serves now among `due` (the keys with deliveries due): the configured
   * ones and the enabled merchant endpoints, read only when one of theirs is due.
   */
  abstract active(due: ReadonlySet<string>): Promise<readonly DeliveryChannel[]>;
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

  forReceipts(): readonly DeliveryChannel[] {
    return this.endpoints;
  }

  async active(due: ReadonlySet<string>): Promise<readonly DeliveryChannel[]> {
    return this.endpoints.filter((endpoint) => due.has(endpoint.endpointKey));
  }
}
