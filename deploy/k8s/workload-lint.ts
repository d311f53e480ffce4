/**
 * The rules every workload of deploy/k8s keeps, checked on the built overlays
 * (deploy/k8s/workload-lint.spec.ts): probes, requests and limits, a restrictive securityContext,
 * and no secret in the manifests. kube-linter would say much of this, but is installable neither
 * from Debian nor from npm; these are the rules that matter here, each with a test that breaks it.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { K8sObject } from './kustomize-build';
import { refOf } from './kustomize-build';

export interface LintFinding {
  /** `Kind/name`, and the container when the finding is about one. */
  readonly object: string;
  readonly container?: string;
  readonly rule: string;
  readonly message: string;
}

/** Long-running workloads: their containers need liveness and readiness probes. Jobs and CronJobs run to completion: no probes, every other rule. */
const SERVING_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** The pod spec of a workload object, or undefined for any other kind. */
export function podSpecOf(object: K8sObject): IPodSpec | undefined {
  const spec = object['spec'] as { template?: { spec?: IPodSpec }; jobTemplate?: { spec?: { template?: { spec?: IPodSpec } } } } | undefined;
  if (object.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  if ([...SERVING_KINDS, 'Job'].includes(object.kind)) return spec?.template?.spec;
  return undefined;
}

/** Every finding for the objects; none means they keep every rule. */
export function lintWorkloads(objects: readonly K8sObject[]): LintFinding[] {
  return objects.flatMap((object) => [...lintSecretObject(object), ...lintWorkload(object), ...lintConfigMap(object)]);
}

function lintSecretObject(object: K8sObject): LintFinding[] {
  if (object.kind !== 'Secret') return [];
  return [{ object: refOf(object), rule: 'no-secret-object', message: 'a Secret is in the manifests: Secrets are created in the cluster and referenced by name only (deploy/README.md, "Secrets")' }];
}

function lintWorkload(object: K8sObject): LintFinding[] {
  const pod = podSpecOf(object);
  if (!pod) return [];
  const ref = refOf(object);
  const findings: LintFinding[] = [];
  const find = (rule: string, message: string, container?: string): void => {
    findings.push({ object: ref, ...(container !== undefined ? { container } : {}), rule, message });
  };

  const podContext = pod.securityContext ?? {};
  if (podContext.runAsNonRoot !== true) find('pod-security-context', 'the pod securityContext must set runAsNonRoot: true');
  if (!isNonRootId(podContext.runAsUser)) find('pod-security-context', 'the pod securityContext must set runAsUser to a numeric id other than 0');
  if (!isNonRootId(podContext.runAsGroup)) find('pod-security-context', 'the pod securityContext must set runAsGroup to a numeric id other than 0');
  if (podContext.seccompProfile?.type !== 'RuntimeDefault') find('pod-security-context', 'the pod securityContext must set seccompProfile.type: RuntimeDefault');
  if (pod.automountServiceAccountToken !== false) find('service-account-token', 'the pod must set automountServiceAccountToken: false (kirim never calls the Kubernetes API)');
  if (pod.hostNetwork === true || pod.hostPID === true || pod.hostIPC === true) find('host-namespaces', 'the pod must not share the host network, PID or IPC namespace');

  const tmpVolumes = new Set((pod.volumes ?? []).filter((volume) => volume.emptyDir !== undefined).map((volume) => volume.name));
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const name = container.name;
    if (SERVING_KINDS.includes(object.kind) && !(pod.initContainers ?? []).includes(container)) {
      if (!container.livenessProbe) find('probes', 'the container needs a livenessProbe', name);
      if (!container.readinessProbe) find('probes', 'the container needs a readinessProbe', name);
    }
    for (const bound of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (container.resources?.[bound]?.[resource] === undefined) find('resources', `the container needs resources.${bound}.${resource}`, name);
      }
    }
    findings.push(...lintContainerSecurity(ref, container));
    if (!(container.volumeMounts ?? []).some((mount) => mount.mountPath === '/tmp' && tmpVolumes.has(mount.name))) {
      find('writable-tmp', 'the container needs an emptyDir at /tmp (its root filesystem is read-only)', name);
    }
    findings.push(...lintEnv(ref, container));
  }
  return findings;
}

function lintContainerSecurity(ref: string, container: IContainer): LintFinding[] {
  const context = container.securityContext ?? {};
  const problems: string[] = [];
  if (context.runAsNonRoot !== true) problems.push('runAsNonRoot: true');
  if (!isNonRootId(context.runAsUser)) problems.push('runAsUser: a numeric id other than 0');
  if (!isNonRootId(context.runAsGroup)) problems.push('runAsGroup: a numeric id other than 0');
  if (context.readOnlyRootFilesystem !== true) problems.push('readOnlyRootFilesystem: true');
  if (context.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation: false');
  if (!(context.capabilities?.drop ?? []).includes('ALL') || (context.capabilities?.add ?? []).length > 0) problems.push('capabilities.drop: [ALL] and nothing added');
  if (context.seccompProfile?.type !== 'RuntimeDefault') problems.push('seccompProfile.type: RuntimeDefault');
  if (context.privileged === true) problems.push('privileged: false');
  return problems.map((problem) => ({ object: ref, container: container.name, rule: 'container-security-context', message: `the container securityContext must set ${problem}` }));
}

function isNonRootId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function lintEnv(ref: string, container: IContainer): LintFinding[] {
  return (container.env ?? []).flatMap((variable) => {
    if (variable.value === undefined) return [];
    const problem = literalProblem(variable.name, variable.value);
    return problem ? [{ object: ref, container: container.name, rule: 'literal-secret', message: `env ${variable.name}: ${problem}` }] : [];
  });
}

/** A ConfigMap's values are environment too (envFrom) or files: the same rules hold. */
function lintConfigMap(object: K8sObject): LintFinding[] {
  if (object.kind !== 'ConfigMap') return [];
  const data = (object['data'] ?? {}) as Record<string, string>;
  return Object.entries(data).flatMap(([key, value]) => {
    const problem = literalProblem(key, value);
    return problem ? [{ object: refOf(object), rule: 'literal-secret', message: `${key}: ${problem}` }] : [];
  });
}

/** Names of settings whose values are secrets (a password, a key, a token, a digest of keys). */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|SIGNING_KEY|ENCRYPTION_KEYS?|LOOKUP_KEY|DIGESTS?|CREDENTIALS?)$/i;

/** Why a literal value must not be in a manifest, or undefined when it may. */
export function literalProblem(name: string, value: string): string | undefined {
  if (SECRET_NAME.test(name)) return 'a secret setting with a literal value; take it from a Secret (secretKeyRef) by name';
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) return 'holds a private key';
  if (/\bwhsec_[A-Za-z0-9+/]{16,}/.test(value)) return 'holds a Standard Webhooks secret';
  if (/\bkop_[A-Za-z0-9_-]{16,}/.test(value)) return 'holds an operator key';
  if (/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i.test(value)) return 'a URL with a password in it; the password comes from a Secret (for PostgreSQL, PGPASSWORD)';
  if (/^\+[1-9]\d{7,14}$/.test(value.trim())) return 'a phone number; none belongs in a manifest';
  if (!/\s/.test(value) && value.length >= 32 && /^[A-Za-z0-9+/_=-]+$/.test(value) && looksRandom(value)) return 'looks like a key or a token (a long random string)';
  return undefined;
}

/** Many distinct characters and both letters and digits: base64 or hex of random bytes, not a word or a path. */
function looksRandom(value: string): boolean {
  return new Set(value).size >= 16 && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
}
