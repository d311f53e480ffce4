import { ALL_SERVICE_PRINCIPALS, PREFIX_ROUTES, INTERNAL_OPERATIONS, SERVICE_PRINCIPALS } from '@kirim/contracts';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { buildOverlay, clusterSettings, findObject, K8sObject, objectsOfKind, overlayNames } from './kustomize-build';
import { connectionAllowed, egressAllows, ingressAllows, outsidePod, PodEndpoint, selectorMatches, workloadPods } from './network-reach';

const BUILD_TIMEOUT_MS = 60_000;

/**
 * Service-to-service HTTP the code declares, as `caller -> callee`: every internal operation's
 * callers to its service (libs/contracts service-calls.ts), each of those callers to identity for
 * its service token (SERVICE_TOKEN_PATH; identity mints its own), and every service but identity to
 * identity for the JWKS its tokens are verified with (IDENTITY_JWKS_URL).
 */
function declaredCalls(): string[] {
  const calls = new Set<string>();
  for (const operation of Object.values(INTERNAL_OPERATIONS)) {
    for (const caller of operation.callers) {
      calls.add(`${caller} -> ${operation.service}`);
      if (caller !== SERVICE_PRINCIPALS.IDENTITY) calls.add(`${caller} -> ${SERVICE_PRINCIPALS.IDENTITY}`);
    }
  }
  for (const service of ALL_SERVICE_PRINCIPALS) if (service !== SERVICE_PRINCIPALS.IDENTITY) calls.add(`${service} -> ${SERVICE_PRINCIPALS.IDENTITY}`);
  return [...calls].sort();
}

interface OverlayNetwork {
  readonly policies: INetworkPolicy[];
  readonly pods: PodEndpoint[];
  readonly settings: Readonly<Record<string, string>>;
  readonly namespace: string;
}

function networkOf(overlay: string): OverlayNetwork {
  const objects = buildOverlay(overlay);
  const [namespace] = objectsOfKind(objects, 'Namespace');
  const namespaceLabels = { ...namespace.metadata.labels, 'kubernetes.io/metadata.name': namespace.metadata.name };
  return {
    policies: objectsOfKind(objects, 'NetworkPolicy') as unknown as INetworkPolicy[],
    pods: workloadPods(objects, namespaceLabels),
    settings: clusterSettings(overlay),
    namespace: namespace.metadata.name,
  };
}

const nameOf = (pod: PodEndpoint): string => pod.labels['app.kubernetes.io/name'] ?? pod.name;
const deployments = (network: OverlayNetwork): PodEndpoint[] => network.pods.filter((pod) => pod.name.startsWith('Deployment/'));
const services = (network: OverlayNetwork): PodEndpoint[] => deployments(network).filter((pod) => pod.labels['app.kubernetes.io/component'] === 'service');

/** A stand-in pod of a workload the overlay does not hold (Kafka's brokers, PostgreSQL's instances). */
function podOf(network: OverlayNetwork, name: string, labels: Readonly<Record<string, string>>, ports: Readonly<Record<string, number>> = {}): PodEndpoint {
  return { name, namespace: network.namespace, namespaceLabels: { 'kubernetes.io/metadata.name': network.namespace }, labels, ports };
}

describe.each(overlayNames())('the NetworkPolicies of the %s overlay', (overlay) => {
  let network: OverlayNetwork;
  beforeAll(() => {
    network = networkOf(overlay);
  }, BUILD_TIMEOUT_MS);

  it('let services call each other exactly as libs/contracts declares, no more and no less', () => {
    const allowed = deployments(network).flatMap((from) =>
      deployments(network)
        .filter((to) => to !== from && connectionAllowed(network.policies, from, to, 'http'))
        .map((to) => `${nameOf(from)} -> ${nameOf(to)}`),
    );
    expect(allowed.sort()).toEqual(declaredCalls());
  });

  it('admit the ingress controller to the services with a public route, and to nothing else', () => {
    const controller = outsidePod('ingress controller', network.settings['ingressControllerNamespace']);
    const reached = network.pods.filter((pod) => ingressAllows(network.policies, controller, pod, 'http')).map(nameOf);
    expect(reached.sort()).toEqual([...new Set(PREFIX_ROUTES.map((route) => route.service))].sort());
  });

  it("admit Prometheus to every service's metrics port, and PostgreSQL's", () => {
    const prometheus = outsidePod('prometheus', network.settings['prometheusNamespace']);
    for (const service of services(network)) expect([nameOf(service), ingressAllows(network.policies, prometheus, service, 'http')]).toEqual([nameOf(service), true]);
    const postgres = podOf(network, 'postgres', { 'cnpg.io/cluster': 'kirim-postgres' });
    expect(ingressAllows(network.policies, prometheus, postgres, 9187)).toBe(true);
  });

  it('admit nothing from any other namespace', () => {
    const stranger = outsidePod('another tenant', 'elsewhere', { 'app.kubernetes.io/name': 'identity', 'app.kubernetes.io/component': 'service' });
    const postgres = podOf(network, 'postgres', { 'cnpg.io/cluster': 'kirim-postgres' });
    for (const pod of network.pods) expect([pod.name, ingressAllows(network.policies, stranger, pod, 'http')]).toEqual([pod.name, false]);
    expect(ingressAllows(network.policies, stranger, postgres, 5432)).toBe(false);
  });

  it('let every workload reach DNS and PostgreSQL, and the long-running ones Kafka and the OTLP collector', () => {
    const dns = outsidePod('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' });
    const brokers = podOf(network, 'kafka', { 'strimzi.io/cluster': 'kirim', 'strimzi.io/kind': 'Kafka' });
    const postgres = podOf(network, 'postgres', { 'cnpg.io/cluster': 'kirim-postgres' });
    const collector = outsidePod('otel collector', network.settings['otlpCollectorNamespace']);
    for (const pod of network.pods) {
      const reach = {
        dns: egressAllows(network.policies, pod, dns, 53, 'UDP'),
        postgres: connectionAllowed(network.policies, pod, postgres, 5432),
        kafka: egressAllows(network.policies, pod, brokers, 9093),
        // The example partner bank exports no traces; kirim's services do.
        otlp: egressAllows(network.policies, pod, collector, 4318),
      };
      const longRunning = pod.name.startsWith('Deployment/');
      const traced = pod.labels['app.kubernetes.io/component'] === 'service';
      expect([pod.name, reach]).toEqual([pod.name, { dns: true, postgres: true, kafka: longRunning, otlp: traced }]);
    }
  });

  it('let the CloudNativePG operator and the other instances reach PostgreSQL, and no service a broker port but 9093', () => {
    const postgres = podOf(network, 'postgres', { 'cnpg.io/cluster': 'kirim-postgres' });
    const operator = outsidePod('cnpg operator', network.settings['cnpgOperatorNamespace']);
    expect(ingressAllows(network.policies, operator, postgres, 8000)).toBe(true);
    expect(ingressAllows(network.policies, postgres, postgres, 5432)).toBe(true);
    const brokers = podOf(network, 'kafka', { 'strimzi.io/cluster': 'kirim', 'strimzi.io/kind': 'Kafka' });
    for (const service of services(network)) expect(egressAllows(network.policies, service, brokers, 9092)).toBe(false);
  });

  it('let only notifications out to the internet, over https and to public addresses only', () => {
    const internetRules = network.policies.flatMap((policy) =>
      (policy.spec?.egress ?? []).filter((rule) => (rule.to ?? []).some((peer) => peer.ipBlock)).map((rule) => ({ policy, rule })),
    );
    const reaching = network.pods.filter((pod) => internetRules.some(({ policy }) => selectorMatches(policy.spec?.podSelector, pod.labels))).map(nameOf);
    expect(reaching).toEqual(['notifications']);
    for (const { rule } of internetRules) {
      expect(rule.ports).toEqual([{ port: 443, protocol: 'TCP' }]);
      const ipv4 = rule.to?.find((peer) => peer.ipBlock?.cidr === '0.0.0.0/0')?.ipBlock;
      expect(ipv4?.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8']));
    }
  });
});

describe('the NetworkPolicy evaluator', () => {
  const policy = (spec: INetworkPolicy['spec']): INetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'kirim' }, spec });
  const pod = (name: string, labels: Record<string, string>): PodEndpoint => ({ name, namespace: 'kirim', namespaceLabels: { 'kubernetes.io/metadata.name': 'kirim' }, labels, ports: { http: 3001 } });
  const identity = pod('identity', { app: 'identity', tier: 'service' });
  const payments = pod('payments', { app: 'payments', tier: 'service' });

  it('leaves a pod no policy selects open, and isolates one that a policy selects', () => {
    expect(ingressAllows([], payments, identity, 'http')).toBe(true);
    expect(ingressAllows([policy({ podSelector: {}, policyTypes: ['Ingress'] })], payments, identity, 'http')).toBe(false);
  });

  it('adds up the rules of every policy selecting a pod', () => {
    const deny = policy({ podSelector: {}, policyTypes: ['Ingress'] });
    const allow = policy({ podSelector: { matchLabels: { app: 'identity' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'payments' } } }], ports: [{ port: 'http' }] }] });
    expect(ingressAllows([deny, allow], payments, identity, 'http')).toBe(true);
    expect(ingressAllows([deny, allow], identity, payments, 'http')).toBe(false);
  });

  it('matches ports by name or number, and by protocol', () => {
    const allow = (port: string | number, protocol: 'TCP' | 'UDP' = 'TCP'): INetworkPolicy[] => [policy({ podSelector: {}, ingress: [{ ports: [{ port, protocol }] }] })];
    expect(ingressAllows(allow(3001), payments, identity, 'http')).toBe(true);
    expect(ingressAllows(allow('http'), payments, identity, 3001)).toBe(true);
    expect(ingressAllows(allow(3002), payments, identity, 'http')).toBe(false);
    expect(ingressAllows(allow(3001, 'UDP'), payments, identity, 'http')).toBe(false);
  });

  it('reads matchExpressions and namespace selectors', () => {
    const from = (peer: NonNullable<NonNullable<INetworkPolicy['spec']>['ingress']>[number]['from']): INetworkPolicy[] => [policy({ podSelector: {}, ingress: [{ from: peer }] })];
    expect(ingressAllows(from([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['payments'] }] } }]), payments, identity, 'http')).toBe(true);
    expect(ingressAllows(from([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['payments'] }] } }]), payments, identity, 'http')).toBe(false);
    expect(ingressAllows(from([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }]), payments, identity, 'http')).toBe(true);
    expect(ingressAllows(from([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }]), payments, identity, 'http')).toBe(false);
    // A pod selector alone means the policy's own namespace; a namespace selector opens others.
    const outsider = outsidePod('prometheus', 'monitoring', { app: 'payments' });
    expect(ingressAllows(from([{ podSelector: { matchLabels: { app: 'payments' } } }]), outsider, identity, 'http')).toBe(false);
    expect(ingressAllows(from([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]), outsider, identity, 'http')).toBe(true);
  });

  it('needs both ends: the egress of the caller and the ingress of the callee', () => {
    const egressOnlyToBankConnector = policy({ podSelector: { matchLabels: { app: 'payments' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'bank-connector' } } }] }] });
    expect(ingressAllows([egressOnlyToBankConnector], payments, identity, 'http')).toBe(true);
    expect(connectionAllowed([egressOnlyToBankConnector], payments, identity, 'http')).toBe(false);
  });
});

describe('the objects the checks above rely on', () => {
  it.each(overlayNames())('%s: each Deployment names its HTTP port "http", and the Service of each service targets it', (overlay) => {
    const objects = buildOverlay(overlay);
    for (const deployment of objectsOfKind(objects, 'Deployment')) {
      const pod = workloadPods([deployment], { 'kubernetes.io/metadata.name': 'kirim' })[0];
      expect([deployment.metadata.name, typeof pod.ports['http']]).toEqual([deployment.metadata.name, 'number']);
      const service = findObject(objects, 'Service', deployment.metadata.name) as K8sObject & { spec: { ports: { name: string; targetPort: string }[] } };
      expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'http', targetPort: 'http' })]);
    }
  }, BUILD_TIMEOUT_MS);
});
