import type { EdgeOptions } from '../edge-server';
import type { Upstreams } from '../upstreams';

/** Where a spec's edge sends a service it does not exercise: a port nothing listens on. */
const NOWHERE = new URL('http://127.0.0.1:1');

/**
 * The edge's options for its specs: every service at NOWHERE unless `upstreams` names it, 1 s
 * timeouts, a minimal AsyncAPI document, nothing logged; the spec overrides what it tests.
 */
export function edgeTestOptions(overrides: Partial<Omit<EdgeOptions, 'upstreams'>> & { readonly upstreams?: Partial<Upstreams> } = {}): EdgeOptions {
  const { upstreams, ...rest } = overrides;
  return {
    upstreamTimeoutMs: 1000,
    readinessTimeoutMs: 1000,
    asyncApiDocument: 'asyncapi: 3.0.0\n',
    log: () => undefined,
    ...rest,
    upstreams: { identity: [NOWHERE], payments: [NOWHERE], 'bank-connector': [NOWHERE], notifications: [NOWHERE], ...upstreams },
  };
}
