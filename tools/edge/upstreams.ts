import type { ServiceName } from './edge-routes';

/**
 * Base URLs (http://host:port) of each service's replicas, at least one each. Requests go to them
 * in turn, as a Kubernetes Service spreads them over its pods; the local stack lists several when it
 * runs replicas (scripts/stack.sh, KIRIM_REPLICAS). Unlike a Service, the edge does not take a replica
 * that is not ready out of the turn: locally every replica listed is expected up, and one that is not
 * answers its share with 502.
 */
export type Upstreams = Readonly<Record<ServiceName, readonly [URL, ...URL[]]>>;

const UPSTREAM_ENV: Readonly<Record<ServiceName, { variable: string; fallback: string }>> = {
  identity: { variable: 'IDENTITY_URL', fallback: 'http://127.0.0.1:3001' },
  payments: { variable: 'PAYMENTS_URL', fallback: 'http://127.0.0.1:3002' },
  'bank-connector': { variable: 'BANK_CONNECTOR_URL', fallback: 'http://127.0.0.1:3003' },
  notifications: { variable: 'NOTIFICATIONS_URL', fallback: 'http://127.0.0.1:3004' },
};

/** Each service's replicas from IDENTITY_URL, PAYMENTS_URL, BANK_CONNECTOR_URL and NOTIFICATIONS_URL (a bad one stops boot with its name). */
export function readUpstreams(env: NodeJS.ProcessEnv = process.env): Upstreams {
  const replicasOf = (service: ServiceName) => {
    const { variable, fallback } = UPSTREAM_ENV[service];
    return readReplicaUrls(variable, env[variable] || fallback);
  };
  return { identity: replicasOf('identity'), payments: replicasOf('payments'), 'bank-connector': replicasOf('bank-connector'), notifications: replicasOf('notifications') };
}

/** One service's replicas: http:// base URLs separated by commas, none empty, none twice. */
function readReplicaUrls(variable: string, raw: string): [URL, ...URL[]] {
  const urls = raw.split(',').map((part) => {
    let url: URL;
    try {
      url = new URL(part.trim());
    } catch {
      throw new Error(`${variable} must be an http:// URL, or several separated by commas`);
    }
    if (url.protocol !== 'http:') throw new Error(`${variable} must list http:// URLs only (the edge forwards plain HTTP inside the stack)`);
    return url;
  });
  if (new Set(urls.map((url) => url.origin)).size !== urls.length) throw new Error(`${variable} lists a replica twice`);
  return urls as [URL, ...URL[]];
}

/** Whose turn it is next among each service's replicas (per set of upstreams, so each edge server keeps its own). */
const forwarded = new WeakMap<Upstreams, Map<ServiceName, number>>();

/** The replica of `service` the next request goes to: each in turn (round robin). */
export function nextUpstream(upstreams: Upstreams, service: ServiceName): URL {
  const replicas = upstreams[service];
  const counts = forwarded.get(upstreams) ?? new Map<ServiceName, number>();
  forwarded.set(upstreams, counts);
  const turn = (counts.get(service) ?? 0) % replicas.length;
  counts.set(service, turn + 1);
  return replicas[turn];
}

