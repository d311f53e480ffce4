/**
 * patches/kafkajs+2.2.4.patch, applied on install by patch-package (package.json postinstall): an
 * idle broker connection of kafkajs 2.2.4 re-armed a 1 ms timer forever (tulios/kafkajs#1556), so
 * every idle service woke about a thousand times a second; and the requests a running service sends
 * all the time (fetch, produce, heartbeat, offset commit) called require() for their modules on
 * every request. kafkajs has had no release since; if this fails, the patch was not applied
 * (install with scripts) or kafkajs changed under it.
 */
import { execFileSync } from 'node:child_process';

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

describe('kafkajs requests (patched)', () => {
  it.each(['fetch', 'produce', 'heartbeat', 'offsetCommit'])('%s looks its version modules up once, not with require() per request', (request) => {
    // A plain node process: jest replaces require() inside node_modules with its own.
    const script = `
      const Module = require('node:module');
      const original = Module.prototype.require;
      let lookups = 0;
      Module.prototype.require = function (id) { if (/^\\.\\/v\\d+\\/(request|response)$/.test(id)) lookups += 1; return original.apply(this, arguments); };
      const definition = require('kafkajs/src/protocol/requests/${request}');
      const newest = definition.versions[definition.versions.length - 1];
      const build = definition.protocol({ version: newest });
      for (let i = 0; i < 3; i += 1) { try { build({ topics: [], topicData: [], groupId: 'g', groupGenerationId: 1, memberId: 'm' }); } catch {} }
      process.stdout.write(String(lookups));
    `;
    // The newest version's request and response, once each, however many requests are built.
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })).toBe('2');
  });
});
