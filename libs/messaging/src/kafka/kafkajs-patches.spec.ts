/**
 * patches/kafkajs+2.2.4.patch, applied on install by patch-package (package.json postinstall): an
 * idle broker connection of kafkajs 2.2.4 re-armed a 1 ms timer forever (tulios/kafkajs#1556), so
 * every idle service woke about a thousand times a second. kafkajs has had no release since; if this
 * fails, the patch was not applied (install with scripts) or kafkajs changed under it.
 */
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
};

function idleQueue(): InstanceType<typeof RequestQueue> {
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  return new RequestQueue({ instrumentationEmitter: null, maxInFlightRequests: null, requestTimeout: 30000, enforceRequestTimeout: false, clientId: 'spec', broker: 'spec:9092', logger: { namespace: () => logger } });
}

describe('kafkajs request queue (patched)', () => {
  let queue: InstanceType<typeof RequestQueue>;
  beforeEach(() => (queue = idleQueue()));
  afterEach(() => queue.destroy());

  it('arms no timer when nothing is pending', () => {
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks again later when a request is waiting', () => {
    queue.pending.push({});
    // Not sendable now: pretend the broker throttles this client.
    Object.assign(queue, { throttledUntil: Date.now() + 60_000 });
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
  });
});
