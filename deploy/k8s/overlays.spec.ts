import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SERVICE_PRINCIPALS, kafkaAccessDeclaration, parsePartnerRegistry, PartnerRegistryFile } from '@kirim/contracts';
import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { buildOverlay, findObject, K8sObject, OVERLAYS_DIR, objectsOfKind, overlayNames, parseObjects, REPO_ROOT, refOf } from './kustomize-build';
import { ModelProblem, validateWithModels } from './model-validation';
import { FieldProblem, unknownFieldProblems } from './unknown-fields';
import { containerOf, environmentOf, literalEnv } from './workload-env';
import { podSpecOf } from './workload-lint';

const BUILD_TIMEOUT_MS = 120_000;
const NAMESPACE = 'kirim';
const SERVICES: readonly string[] = ALL_SERVICE_PRINCIPALS;

function partnerRegistryOf(overlay: string): { text: string; registry: PartnerRegistryFile } {
  const text = readFileSync(join(OVERLAYS_DIR, overlay, 'partner-banks.json'), 'utf8');
  const parsed = parsePartnerRegistry(text);
  if (!parsed.ok) throw new Error(`overlays/${overlay}/partner-banks.json: ${parsed.errors.join('; ')}`);
  return { text, registry: parsed.registry };
}

/** Objects that break their schema, and a kind no model knows: the validation must refuse each. */
const BROKEN = parseObjects(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: broken-no-template }
spec: { replicas: two, selector: {} }
---
apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: { name: broken-partitions }
spec: { partitions: "6" }
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: broken-instances }
spec: { instances: three, storage: { size: 1Gi } }
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: broken-endpoints }
spec: { selector: {}, endpoints: { port: http } }
---
apiVersion: barmancloud.cnpg.io/v1
kind: ObjectStore
metadata: { name: broken-unknown-kind }
spec: {}
`);

/** A misspelt field, which the schemas let pass: the declared fields must catch it. */
const MISSPELT = parseObjects(`
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: misspelt-sync-replicas }
spec: { instances: 3, storage: { size: 1Gi }, minSyncReplica: 1 }
`);

describe('every overlay', () => {
  // One validation run for every overlay and the broken samples (each run loads the models anew).
  let modelProblems: ModelProblem[];
  let fieldProblems: FieldProblem[];
  beforeAll(() => {
    const built = overlayNames().flatMap((overlay) => buildOverlay(overlay));
    modelProblems = validateWithModels([...built, ...BROKEN, ...MISSPELT]);
    fieldProblems = unknownFieldProblems([...built, ...MISSPELT]);
  }, BUILD_TIMEOUT_MS);

  const isSample = (problem: { object: string }): boolean => /\/(broken|misspelt)-/.test(problem.object);

  it('builds with kubectl kustomize', () => {
    expect(overlayNames()).toEqual(expect.arrayContaining(['dev', 'production']));
    for (const overlay of overlayNames()) expect([overlay, buildOverlay(overlay).length > 0]).toEqual([overlay, true]);
  });

  it('holds only objects that validate against their pinned models (Kubernetes, Strimzi, CloudNativePG, prometheus-operator)', () => {
    expect(modelProblems.filter((problem) => !isSample(problem))).toEqual([]);
  });

  it('sets no field its kind does not declare', () => {
    expect(fieldProblems.filter((problem) => !isSample(problem))).toEqual([]);
  });

  it('would refuse an object that breaks its schema, and any kind no model knows', () => {
    const refused = modelProblems.filter(isSample);
    expect(refused.map((problem) => problem.object)).toEqual(BROKEN.map(refOf));
    expect(refused[0].problem).toContain('spec/replicas must be integer');
    expect(refused[1].problem).toContain('spec/partitions must be integer');
    expect(refused[2].problem).toContain('spec/instances must be integer');
    expect(refused[3].problem).toContain('spec/endpoints must be array');
    expect(refused[4].problem).toContain('no model knows barmancloud.cnpg.io/v1 ObjectStore');
  });

  it('would name a field the kind does not declare', () => {
    expect(fieldProblems.filter(isSample)).toEqual([{ object: 'Cluster/misspelt-sync-replicas', problem: expect.stringContaining("'\"minSyncReplica\"' does not exist") }]);
  });
});

describe.each(overlayNames())('the %s overlay', (overlay) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = buildOverlay(overlay);
  }, BUILD_TIMEOUT_MS);

  const deployment = (name: string): K8sObject => findObject(objects, 'Deployment', name);
  const kirimDeployments = (): K8sObject[] => objectsOfKind(objects, 'Deployment');

  it('puts everything in the kirim namespace, labelled as part of kirim', () => {
    expect(objectsOfKind(objects, 'Namespace').map((object) => object.metadata.name)).toEqual([NAMESPACE]);
    for (const object of objects) {
      if (object.kind !== 'Namespace') expect([refOf(object), object.metadata.namespace]).toEqual([refOf(object), NAMESPACE]);
      expect([refOf(object), object.metadata.labels?.['app.kubernetes.io/part-of']]).toEqual([refOf(object), 'kirim']);
    }
  });

  it('runs each workload migrations first: a migrate Job per Deployment, and no migration at boot', () => {
    for (const workload of kirimDeployments()) {
      const name = workload.metadata.name;
      const job = findObject(objects, 'Job', `${name}-migrate`);
      const migrate = containerOf(job);
      expect(migrate.image).toBe(containerOf(workload).image);
      expect(migrate.command).toEqual(['node', `dist/apps/${name}/apps/${name}/src/migrate.js`]);
      expect(existsSync(join(REPO_ROOT, 'apps', name, 'src', 'migrate.ts'))).toBe(true);
      // The example partner bank migrates at boot too, under the same lock: it has no switch.
      if (SERVICES.includes(name)) expect(literalEnv(environmentOf(objects, containerOf(workload)))['DATABASE_MIGRATIONS_AT_BOOT']).toBe('false');
    }
  });

  it('gives each pod time to finish its work after SIGTERM: grace period > preStop pause + SHUTDOWN_TIMEOUT_MS', () => {
    for (const workload of kirimDeployments()) {
      const pod = podSpecOf(workload);
      const container = containerOf(workload);
      const shutdownMs = Number(literalEnv(environmentOf(objects, container))['SHUTDOWN_TIMEOUT_MS'] ?? 10_000);
      const pauseSeconds = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect([workload.metadata.name, (pod?.terminationGracePeriodSeconds ?? 30) > pauseSeconds + shutdownMs / 1000]).toEqual([workload.metadata.name, true]);
    }
  });

  it("scales each service with a HorizontalPodAutoscaler on cpu, never past the partitions of the topics it consumes", () => {
    const partnerCodes = partnerRegistryOf(overlay).registry.partners.map((partner) => partner.bankCode);
    const partitions = new Map(objectsOfKind(objects, 'KafkaTopic').map((topic) => [(topic['spec'] as { topicName: string }).topicName, (topic['spec'] as { partitions: number }).partitions]));
    for (const access of kafkaAccessDeclaration(partnerCodes).filter((entry) => SERVICES.includes(entry.principal))) {
      const hpa = findObject(objects, 'HorizontalPodAutoscaler', access.principal) as unknown as IHorizontalPodAutoscaler;
      expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: access.principal });
      expect(hpa.spec?.metrics?.map((metric) => metric.resource?.name)).toEqual(['cpu']);
      const bound = Math.min(...access.reads.map((topic) => partitions.get(topic) ?? Number.NaN));
      if (access.reads.length > 0) expect([access.principal, hpa.spec?.maxReplicas !== undefined && hpa.spec.maxReplicas <= bound]).toEqual([access.principal, true]);
    }
  });

  it('keeps a PodDisruptionBudget over the pods of each service', () => {
    for (const service of SERVICES) {
      const budget = findObject(objects, 'PodDisruptionBudget', service) as unknown as IPodDisruptionBudget;
      const template = (deployment(service)['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template;
      expect(template.metadata.labels).toEqual(expect.objectContaining(budget.spec?.selector?.matchLabels));
    }
  });

  it("gives bank-connector the overlay's partner registry, and beside it each partner's JWKS at its jwks.file", () => {
    const { text, registry } = partnerRegistryOf(overlay);
    const bankConnector = deployment('bank-connector');
    const env = literalEnv(environmentOf(objects, containerOf(bankConnector)));
    const registryFile = env['PARTNER_REGISTRY_FILE'];
    const mount = containerOf(bankConnector).volumeMounts?.find((candidate) => registryFile.startsWith(`${candidate.mountPath}/`));
    const volume = podSpecOf(bankConnector)?.volumes?.find((candidate) => candidate.name === mount?.name) as IVolume;
    const projected = (volume.projected?.sources ?? []).flatMap((source) => (source.configMap?.items ?? []).map((item) => ({ configMap: source.configMap?.name ?? '', key: item.key, path: item.path })));

    const registrySource = projected.find((item) => `${mount?.mountPath}/${item.path}` === registryFile);
    expect(registrySource).toBeDefined();
    expect((findObject(objects, 'ConfigMap', registrySource?.configMap ?? '')['data'] as Record<string, string>)[registrySource?.key ?? '']).toBe(text);
    // Partners reached by a JWKS URL need no file; the others' files are ConfigMaps made in the cluster.
    const expected = registry.partners
      .filter((partner) => partner.jwks.file !== undefined)
      .map((partner) => ({ configMap: `kirim-partner-jwks-${partner.bankCode.toLowerCase()}`, key: 'jwks.json', path: partner.jwks.file }));
    expect(projected.filter((item) => item !== registrySource)).toEqual(expected);
  });

  it("gives each database role its password Secret and a database it owns, as the service's DATABASE_URL and PGPASSWORD name them", () => {
    const [cluster] = objectsOfKind(objects, 'Cluster') as unknown as ICluster[];
    const databases = objectsOfKind(objects, 'Database').map((object) => object['spec'] as { name: string; owner: string; cluster: { name: string } });
    for (const workload of [...kirimDeployments(), ...objectsOfKind(objects, 'Job')]) {
      const env = environmentOf(objects, containerOf(workload));
      const url = new URL(literalEnv(env)['DATABASE_URL']);
      const role = decodeURIComponent(url.username);
      const password = env.get('PGPASSWORD');
      expect([refOf(workload), url.password, url.hostname, url.searchParams.get('sslmode')]).toEqual([refOf(workload), '', 'kirim-postgres-rw', 'verify-full']);
      const managed = cluster.spec?.managed?.roles?.find((candidate) => candidate.name === role);
      expect(password).toEqual({ kind: 'secret', secret: managed?.passwordSecret?.name, key: 'password', optional: false });
      expect(databases).toContainEqual({ name: url.pathname.slice(1), owner: role, cluster: { name: cluster.metadata?.name }, ensure: 'present', databaseReclaimPolicy: 'retain' });
    }
  });
});

describe('the dev overlay', () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = buildOverlay('dev');
  }, BUILD_TIMEOUT_MS);

  it('runs one Kafka node, one PostgreSQL instance without backups, and one replica of each service', () => {
    expect((findObject(objects, 'KafkaNodePool', 'kirim-dual-role')['spec'] as { replicas: number }).replicas).toBe(1);
    const cluster = findObject(objects, 'Cluster', 'kirim-postgres') as unknown as ICluster;
    expect(cluster.spec?.instances).toBe(1);
    expect(cluster.spec?.backup).toBeUndefined();
    expect(objectsOfKind(objects, 'ScheduledBackup')).toEqual([]);
    for (const hpa of objectsOfKind(objects, 'HorizontalPodAutoscaler') as unknown as IHorizontalPodAutoscaler[]) expect(hpa.spec?.minReplicas).toBe(1);
  });

  it('runs the example partner bank XMPL, as Kafka user partner-xmpl, with its own database', () => {
    const env = environmentOf(objects, containerOf(findObject(objects, 'Deployment', 'example-partner')));
    expect(literalEnv(env)['PARTNER_BANK_CODE']).toBe('XMPL');
    expect(literalEnv(env)['KAFKA_SASL_USERNAME']).toBe('partner-xmpl');
    expect(env.get('KAFKA_SASL_PASSWORD')).toEqual({ kind: 'secret', secret: 'partner-xmpl', key: 'password', optional: false });
    findObject(objects, 'KafkaUser', 'partner-xmpl');
    findObject(objects, 'Database', 'kirim-example-partner');
  });
});

describe('the production overlay', () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = buildOverlay('production');
  }, BUILD_TIMEOUT_MS);

  it('runs at least two replicas of each service, and keeps one up through a voluntary disruption', () => {
    for (const service of SERVICES) {
      const hpa = findObject(objects, 'HorizontalPodAutoscaler', service) as unknown as IHorizontalPodAutoscaler;
      expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
      expect((findObject(objects, 'PodDisruptionBudget', service) as unknown as IPodDisruptionBudget).spec).toEqual(expect.objectContaining({ minAvailable: 1 }));
      expect((findObject(objects, 'PodDisruptionBudget', service) as unknown as IPodDisruptionBudget).spec?.maxUnavailable).toBeUndefined();
    }
  });

  it('pins every image to a version', () => {
    for (const workload of objects.filter((object) => podSpecOf(object) !== undefined)) {
      for (const container of podSpecOf(workload)?.containers ?? []) {
        const image = container.image ?? '';
        const tag = /@sha256:[0-9a-f]{64}$/.test(image) ? 'digest' : /:([^/:]+)$/.exec(image)?.[1];
        expect([refOf(workload), image, tag !== undefined && !['latest', 'local', 'dev'].includes(tag)]).toEqual([refOf(workload), image, true]);
      }
    }
  });

  it('runs three PostgreSQL instances with continuous backup to object storage, and no example partner', () => {
    const cluster = findObject(objects, 'Cluster', 'kirim-postgres') as unknown as ICluster;
    expect(cluster.spec?.instances).toBe(3);
    expect(cluster.spec?.backup?.barmanObjectStore?.s3Credentials?.secretAccessKey).toEqual({ name: 'kirim-postgres-backup-s3', key: 'ACCESS_SECRET_KEY' });
    expect(objectsOfKind(objects, 'ScheduledBackup').map((backup) => (backup['spec'] as { cluster: { name: string } }).cluster.name)).toEqual(['kirim-postgres']);
    expect(objects.filter((object) => object.metadata.labels?.['app.kubernetes.io/name'] === 'example-partner')).toEqual([]);
  });
});
