import type { K8sObject } from './kustomize-build';
import { buildOverlay, overlayNames } from './kustomize-build';
import { LintFinding, lintWorkloads, literalProblem } from './workload-lint';

/** A Deployment that keeps every rule; each test below breaks one thing of it. */
function goodDeployment(): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'payments' },
    spec: {
      selector: { matchLabels: { app: 'payments' } },
      template: {
        metadata: { labels: { app: 'payments' } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'payments',
              image: 'kirim/payments',
              env: [
                { name: 'HTTP_PORT', value: '3002' },
                { name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'payments', key: 'password' } } },
              ],
              livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
              readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

type Container = Record<string, unknown> & { securityContext: Record<string, unknown>; resources: { requests: Record<string, string>; limits: Record<string, string> } };
type PodSpec = Record<string, unknown> & { securityContext: Record<string, unknown>; containers: Container[] };

/** The Deployment with `change` applied to its pod spec and first container. */
function deploymentWith(change: (pod: PodSpec, container: Container) => void, kind = 'Deployment'): K8sObject {
  const object = structuredClone(goodDeployment()) as K8sObject & { kind: string; spec: { template: { spec: PodSpec } } };
  const pod = object.spec.template.spec;
  change(pod, pod.containers[0]);
  return { ...object, kind };
}

function rulesOf(findings: readonly LintFinding[]): string[] {
  return findings.map((finding) => `${finding.rule}: ${finding.message}`);
}

describe('the workload lint', () => {
  it('passes a workload that keeps every rule', () => {
    expect(lintWorkloads([goodDeployment()])).toEqual([]);
  });

  it.each([
    ['no livenessProbe', (_pod: PodSpec, container: Container) => delete container['livenessProbe'], 'probes: the container needs a livenessProbe'],
    ['no readinessProbe', (_pod: PodSpec, container: Container) => delete container['readinessProbe'], 'probes: the container needs a readinessProbe'],
    ['no cpu request', (_pod: PodSpec, container: Container) => delete container.resources.requests['cpu'], 'resources: the container needs resources.requests.cpu'],
    ['no memory request', (_pod: PodSpec, container: Container) => delete container.resources.requests['memory'], 'resources: the container needs resources.requests.memory'],
    ['no cpu limit', (_pod: PodSpec, container: Container) => delete container.resources.limits['cpu'], 'resources: the container needs resources.limits.cpu'],
    ['no memory limit', (_pod: PodSpec, container: Container) => delete container.resources.limits['memory'], 'resources: the container needs resources.limits.memory'],
    ['a root user', (_pod: PodSpec, container: Container) => (container.securityContext['runAsUser'] = 0), 'container-security-context: the container securityContext must set runAsUser: a numeric id other than 0'],
    ['no runAsNonRoot', (_pod: PodSpec, container: Container) => delete container.securityContext['runAsNonRoot'], 'container-security-context: the container securityContext must set runAsNonRoot: true'],
    ['no runAsGroup', (_pod: PodSpec, container: Container) => delete container.securityContext['runAsGroup'], 'container-security-context: the container securityContext must set runAsGroup: a numeric id other than 0'],
    ['a writable root filesystem', (_pod: PodSpec, container: Container) => (container.securityContext['readOnlyRootFilesystem'] = false), 'container-security-context: the container securityContext must set readOnlyRootFilesystem: true'],
    ['privilege escalation', (_pod: PodSpec, container: Container) => delete container.securityContext['allowPrivilegeEscalation'], 'container-security-context: the container securityContext must set allowPrivilegeEscalation: false'],
    ['capabilities kept', (_pod: PodSpec, container: Container) => (container.securityContext['capabilities'] = { drop: ['NET_RAW'] }), 'container-security-context: the container securityContext must set capabilities.drop: [ALL] and nothing added'],
    ['a capability added', (_pod: PodSpec, container: Container) => (container.securityContext['capabilities'] = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }), 'container-security-context: the container securityContext must set capabilities.drop: [ALL] and nothing added'],
    ['no seccomp profile on the container', (_pod: PodSpec, container: Container) => delete container.securityContext['seccompProfile'], 'container-security-context: the container securityContext must set seccompProfile.type: RuntimeDefault'],
    ['a privileged container', (_pod: PodSpec, container: Container) => (container.securityContext['privileged'] = true), 'container-security-context: the container securityContext must set privileged: false'],
    ['no pod runAsNonRoot', (pod: PodSpec) => delete pod.securityContext['runAsNonRoot'], 'pod-security-context: the pod securityContext must set runAsNonRoot: true'],
    ['no pod runAsUser', (pod: PodSpec) => delete pod.securityContext['runAsUser'], 'pod-security-context: the pod securityContext must set runAsUser to a numeric id other than 0'],
    ['a pod user given by name', (pod: PodSpec) => (pod.securityContext['runAsUser'] = 'node'), 'pod-security-context: the pod securityContext must set runAsUser to a numeric id other than 0'],
    ['no pod seccomp profile', (pod: PodSpec) => (pod.securityContext['seccompProfile'] = { type: 'Unconfined' }), 'pod-security-context: the pod securityContext must set seccompProfile.type: RuntimeDefault'],
    ['a service account token', (pod: PodSpec) => delete pod['automountServiceAccountToken'], 'service-account-token: the pod must set automountServiceAccountToken: false (kirim never calls the Kubernetes API)'],
    ['the host network', (pod: PodSpec) => (pod['hostNetwork'] = true), 'host-namespaces: the pod must not share the host network, PID or IPC namespace'],
    ['no writable /tmp', (pod: PodSpec) => (pod['volumes'] = []), 'writable-tmp: the container needs an emptyDir at /tmp (its root filesystem is read-only)'],
  ])('fails a Deployment with %s', (_what, change, finding) => {
    expect(rulesOf(lintWorkloads([deploymentWith(change)]))).toEqual([finding]);
  });

  it('asks no probes of a Job, and everything else', () => {
    const job = deploymentWith((_pod, container) => {
      delete container['livenessProbe'];
      delete container['readinessProbe'];
    }, 'Job');
    expect(lintWorkloads([job])).toEqual([]);
    const unbounded = deploymentWith((_pod, container) => {
      delete container['livenessProbe'];
      delete container.resources.limits['memory'];
    }, 'Job');
    expect(rulesOf(lintWorkloads([unbounded]))).toEqual(['resources: the container needs resources.limits.memory']);
  });

  it('checks a StatefulSet like a Deployment', () => {
    const statefulSet = deploymentWith((_pod, container) => delete container['readinessProbe'], 'StatefulSet');
    expect(rulesOf(lintWorkloads([statefulSet]))).toEqual(['probes: the container needs a readinessProbe']);
  });

  it('fails any Secret object', () => {
    const secret: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kirim-identity-data-keys' }, stringData: { keys: 'k1:...' } };
    expect(lintWorkloads([secret])).toEqual([expect.objectContaining({ object: 'Secret/kirim-identity-data-keys', rule: 'no-secret-object' })]);
  });

  it('fails a literal secret in an env value or a ConfigMap', () => {
    const literal = deploymentWith((_pod, container) => {
      container['env'] = [{ name: 'KAFKA_SASL_PASSWORD', value: 'hunter2-hunter2' }];
    });
    expect(lintWorkloads([literal])).toEqual([expect.objectContaining({ container: 'payments', rule: 'literal-secret', message: expect.stringContaining('env KAFKA_SASL_PASSWORD') })]);
    const configMap: K8sObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'payments-config' },
      data: { HTTP_PORT: '3002', DATABASE_URL: 'postgres://kirim_payments:s3cret-pass@kirim-postgres-rw:5432/kirim_payments' },
    };
    expect(lintWorkloads([configMap])).toEqual([expect.objectContaining({ object: 'ConfigMap/payments-config', rule: 'literal-secret', message: expect.stringContaining('DATABASE_URL') })]);
  });

  it.each([
    ['a secret-named setting', 'SANDBOX_ADMIN_TOKEN', 'sandbox-admin-token-value'],
    ['operator key digests', 'OPERATOR_KEY_DIGESTS', 'alice:5f1c'],
    ['a private key', 'SOME_PEM', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n'],
    ['a webhook secret', 'CHAT_HOOK', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['an operator key', 'KEY_OF_ALICE_FOR_TESTS', 'kop_Yk2u7v3Jx0qR9sT1wZ4bN6mC8dE5fG2h'],
    ['a URL with a password', 'BROKER_URL', 'https://user:pass@example.com/'],
    ['a phone number', 'SMS_VIRTUAL_NUMBER', '+919000000000'],
    ['a random-looking string', 'SOMETHING', 'q8Zr3kT0vW2yX5bN7mC9dE1fG4hJ6kL8'],
  ])('names %s as a literal secret', (_what, name, value) => {
    expect(literalProblem(name, value)).toBeDefined();
  });

  it.each([
    ['a key id', 'MESSAGE_SIGNING_KEY_ID', 'payments:2026-11-30'],
    ['a file path', 'KAFKA_TLS_CA_FILE', '/var/run/kirim/kafka-ca/ca.crt'],
    ['a URL without a password', 'DATABASE_URL', 'postgres://kirim_payments@kirim-postgres-rw:5432/kirim_payments?sslmode=verify-full&sslrootcert=/var/run/kirim/postgres-ca/ca.crt'],
    ['a Kafka user name', 'KAFKA_SASL_USERNAME', 'bank-connector'],
    ['a host list', 'KAFKA_BROKERS', 'kirim-kafka-bootstrap:9093'],
  ])('lets %s be written out', (_what, name, value) => {
    expect(literalProblem(name, value)).toBeUndefined();
  });
});

describe.each(overlayNames())('the %s overlay', (overlay) => {
  it('keeps every workload rule, and holds no secret', () => {
    expect(lintWorkloads(buildOverlay(overlay))).toEqual([]);
  }, 60_000);
});
