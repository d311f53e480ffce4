/**
 * What the NetworkPolicies of a built overlay allow, worked out as the API defines it
 * (networking.k8s.io/v1): a pod selected by a policy of a direction is isolated in that direction and
 * admits only what one of those policies' rules admits; the policies add up. Enough of the semantics
 * for the checks of network-policies.spec.ts: label selectors (matchLabels, matchExpressions), pod and
 * namespace peers, and ports by number or by name. ipBlock peers never match a pod here (pod-to-pod
 * traffic is judged by selectors); the spec looks at them on their own.
 */
import type { ILabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { K8sObject } from './kustomize-build';
import { podSpecOf } from './workload-lint';

type Labels = Readonly<Record<string, string>>;

/** A pod as the policies see it: where it runs, its labels, and its named ports. */
export interface PodEndpoint {
  /** The workload it belongs to (`Deployment/identity`), or what stands for it (`ingress controller`). */
  readonly name: string;
  readonly namespace: string;
  /** The labels of its namespace (`kubernetes.io/metadata.name` at least, as every namespace has). */
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: Readonly<Record<string, number>>;
}

/** A pod of another namespace: the ingress controller, Prometheus, another tenant. */
export function outsidePod(name: string, namespace: string, labels: Labels = {}): PodEndpoint {
  return { name, namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, labels, ports: {} };
}

/** The pods of each Deployment and Job of the built objects, in `namespace`. */
export function workloadPods(objects: readonly K8sObject[], namespaceLabels: Labels): PodEndpoint[] {
  const namespace = namespaceLabels['kubernetes.io/metadata.name'];
  return objects.flatMap((object) => {
    const pod = podSpecOf(object);
    const template = (object['spec'] as { template?: { metadata?: { labels?: Labels } } } | undefined)?.template;
    if (!pod) return [];
    const ports: Record<string, number> = {};
    for (const container of pod.containers) {
      for (const port of container.ports ?? []) if (port.name) ports[port.name] = port.containerPort;
    }
    return [{ name: `${object.kind}/${object.metadata.name}`, namespace, namespaceLabels, labels: template?.metadata?.labels ?? {}, ports }];
  });
}

export function selectorMatches(selector: ILabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!has || !values.includes(labels[expression.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expression.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`unknown label selector operator ${expression.operator}`);
    }
  }
  return true;
}

/** Whether a peer of a rule of `policy` (in the policy's namespace) is `pod`. */
function peerMatches(peer: INetworkPolicyPeer, policyNamespace: string, pod: PodEndpoint): boolean {
  if (peer.ipBlock) return false;
  const namespaceOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, pod.namespaceLabels) : pod.namespace === policyNamespace;
  return namespaceOk && selectorMatches(peer.podSelector, pod.labels);
}

export type Protocol = 'TCP' | 'UDP';

/** Whether a rule's ports include `port` (a name, or a number) of the pod receiving the traffic. */
function portMatches(ports: readonly INetworkPolicyPort[] | undefined, receiver: PodEndpoint, port: string | number, protocol: Protocol): boolean {
  if (!ports || ports.length === 0) return true;
  const number = typeof port === 'number' ? port : receiver.ports[port];
  return ports.some((rule) => {
    if ((rule.protocol ?? 'TCP') !== protocol) return false;
    if (rule.port === undefined) return true;
    if (typeof rule.port === 'string') return receiver.ports[rule.port] !== undefined && receiver.ports[rule.port] === number;
    const end = rule.endPort ?? rule.port;
    return number !== undefined && number >= rule.port && number <= end;
  });
}

function policiesSelecting(policies: readonly INetworkPolicy[], pod: PodEndpoint, direction: 'Ingress' | 'Egress'): INetworkPolicy[] {
  return policies.filter((policy) => {
    const namespace = policy.metadata?.namespace ?? pod.namespace;
    if (namespace !== pod.namespace || !selectorMatches(policy.spec?.podSelector, pod.labels)) return false;
    const types = policy.spec?.policyTypes ?? (policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return types.includes(direction);
  });
}

/** Whether `to` admits traffic from `from` on `port` (a port name or number of `to`). */
export function ingressAllows(policies: readonly INetworkPolicy[], from: PodEndpoint, to: PodEndpoint, port: string | number, protocol: Protocol = 'TCP'): boolean {
  const selecting = policiesSelecting(policies, to, 'Ingress');
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec?.ingress ?? []).some(
      (rule) => (rule.from === undefined || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, to.namespace, from))) && portMatches(rule.ports, to, port, protocol),
    ),
  );
}

/** Whether `from` may send traffic to `to` on `port` (a port name or number of `to`). */
export function egressAllows(policies: readonly INetworkPolicy[], from: PodEndpoint, to: PodEndpoint, port: string | number, protocol: Protocol = 'TCP'): boolean {
  const selecting = policiesSelecting(policies, from, 'Egress');
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec?.egress ?? []).some(
      (rule) => (rule.to === undefined || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, from.namespace, to))) && portMatches(rule.ports, to, port, protocol),
    ),
  );
}

/** Both ends agree: the connection goes through. */
export function connectionAllowed(policies: readonly INetworkPolicy[], from: PodEndpoint, to: PodEndpoint, port: string | number, protocol: Protocol = 'TCP'): boolean {
  return egressAllows(policies, from, to, port, protocol) && ingressAllows(policies, from, to, port, protocol);
}
