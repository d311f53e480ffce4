import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaAccessDeclaration, SERVICE_PRINCIPALS, topicCatalogueWithPartners } from '@kirim/contracts';
import { MessagingConfig } from '@kirim/messaging';
import { declaredKafkaState, KafkaAccessState, kafkaStateDifferences, kafkaStateOfManifests } from './kafka-manifests-check';
import { K8S_DIR, KAFKA_CLUSTER, kafkaTopicOf, kafkaUserOf, overlaysWithPartners, renderKafkaManifests } from './kafka-manifests';
import { buildOverlay, K8sObject } from './kustomize-build';
import { validateWithModels } from './model-validation';

const REGENERATE = 'run `npm run k8s:kafka`';

const overlays = overlaysWithPartners();

/** Kafka nodes per overlay: production survives the loss of one; dev runs one (overlays/dev/kafka-single-node.yaml). */
const KAFKA_NODES: Readonly<Record<string, number>> = { dev: 1, production: 3 };

it('finds the dev and production overlays by their partner registries, dev with the example partner bank', () => {
  expect(overlays.map((entry) => entry.overlay)).toEqual(expect.arrayContaining(Object.keys(KAFKA_NODES)));
  expect(overlays.find((entry) => entry.overlay === 'dev')?.partnerBankCodes).toContain('XMPL');
});

describe.each(overlays)('the $overlay overlay, built', ({ overlay, partnerBankCodes }) => {
  let objects: K8sObject[];
  const strimziObjects = () => objects.filter((object) => object.apiVersion.startsWith('kafka.strimzi.io/'));
  const one = (kind: string) => {
    const found = objects.filter((object) => object.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };

  beforeAll(() => {
    objects = buildOverlay(overlay);
  });

  it(`has exactly the topics (partitions, retention), users and ACLs the code declares for its partner banks (else ${REGENERATE})`, () => {
    const { state, problems } = kafkaStateOfManifests(objects);
    expect(problems).toEqual([]);
    expect(kafkaStateDifferences(declaredKafkaState(partnerBankCodes), state)).toEqual([]);
  });

  it('validates every Strimzi object against the Strimzi 1.0 schemas', () => {
    expect(strimziObjects().length).toBeGreaterThan(0);
    expect(validateWithModels(strimziObjects())).toEqual([]);
  });

  it('runs one Kafka cluster, on a KRaft node pool of its size, with SCRAM on both listeners, ACLs enforced and no auto-created topics', () => {
    const kafka = one('Kafka');
    expect(kafka.metadata.name).toBe(KAFKA_CLUSTER);
    const spec = kafka.spec as { kafka: { listeners: unknown[]; authorization: { type: string; superUsers?: string[] }; config: Record<string, unknown> } };
    expect(spec.kafka.listeners).toEqual([
      expect.objectContaining({ name: 'tls', port: 9093, tls: true, authentication: { type: 'scram-sha-512' } }),
      expect.objectContaining({ name: 'scram', port: 9092, tls: false, authentication: { type: 'scram-sha-512' } }),
    ]);
    expect(spec.kafka.authorization).toEqual({ type: 'simple' });
    expect(spec.kafka.config['auto.create.topics.enable']).toBe(false);
    const pool = one('KafkaNodePool');
    expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe(KAFKA_CLUSTER);
    expect((pool.spec as { roles: string[] }).roles.sort()).toEqual(['broker', 'controller']);
    expect((pool.spec as { replicas: number }).replicas).toBe(KAFKA_NODES[overlay]);
  });

  it('asks for no more replicas than it has nodes, and fewer in-sync replicas than replicas where it has several', () => {
    const nodes = (one('KafkaNodePool').spec as { replicas: number }).replicas;
    const config = (one('Kafka').spec as { kafka: { config: Record<string, number> } }).kafka.config;
    for (const factor of ['default.replication.factor', 'offsets.topic.replication.factor', 'transaction.state.log.replication.factor']) {
      expect({ [factor]: config[factor] <= nodes }).toEqual({ [factor]: true });
    }
    expect(config['min.insync.replicas']).toBeLessThanOrEqual(config['default.replication.factor']);
    expect(config['transaction.state.log.min.isr']).toBeLessThanOrEqual(config['transaction.state.log.replication.factor']);
    // With several nodes, one may be down (a rolling update) without stopping writes.
    if (nodes > 1) expect(config['min.insync.replicas']).toBeLessThan(config['default.replication.factor']);
  });
});

it(`keeps the generated Strimzi files as the generator writes them (else ${REGENERATE})`, () => {
  const stale: string[] = [];
  for (const [path, text] of renderKafkaManifests(overlays)) {
    const file = join(K8S_DIR, path);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) stale.push(path);
  }
  const withoutRegistry = readdirSync(join(K8S_DIR, 'overlays')).filter(
    (overlay) => existsSync(join(K8S_DIR, 'overlays', overlay, 'partners')) && !overlays.some((entry) => entry.overlay === overlay),
  );
  expect({ stale, partnersWithoutRegistry: withoutRegistry, fix: REGENERATE }).toEqual({ stale: [], partnersWithoutRegistry: [], fix: REGENERATE });
});

it('keeps inbox rows longer than any topic a service reads keeps its records, so no redelivery outlives its inbox row', () => {
  const inboxMs = new MessagingConfig().INBOX_RETENTION_DAYS * 86_400_000;
  const services = new Set<string>(Object.values(SERVICE_PRINCIPALS));
  const catalogue = topicCatalogueWithPartners(['XMPL']);
  const read = kafkaAccessDeclaration(['XMPL'])
    .filter((access) => services.has(access.principal))
    .flatMap((access) => access.reads);
  expect(read.length).toBeGreaterThan(0);
  for (const topic of read) {
    const retentionMs = catalogue.find((spec) => spec.name === topic)?.retentionMs ?? Infinity;
    expect({ topic, outlivedByInbox: retentionMs < inboxMs }).toEqual({ topic, outlivedByInbox: true });
  }
});

describe('kafkaStateDifferences', () => {
  const code = declaredKafkaState(['XMPL']);
  const manifestsOf = (objects: readonly unknown[]): KafkaAccessState => {
    const { state, problems } = kafkaStateOfManifests(objects);
    expect(problems).toEqual([]);
    return state;
  };
  const generated = () => [
    ...topicCatalogueWithPartners(['XMPL']).map(kafkaTopicOf),
    ...[...code.users].map(([principal, acls]) => kafkaUserOf(principal, acls)),
  ];

  it('finds no difference between the declaration and the objects generated from it', () => {
    expect(kafkaStateDifferences(code, manifestsOf(generated()))).toEqual([]);
  });

  it('reports a topic added in the code and not in the manifests, and one in the manifests and not in the code', () => {
    const withNewTopic: KafkaAccessState = { ...code, topics: new Map([...code.topics, ['payments.refunds.v1', { partitions: 6, retentionMs: 604_800_000 }]]) };
    expect(kafkaStateDifferences(withNewTopic, manifestsOf(generated()))).toEqual(['topic payments.refunds.v1: in the code, not in the manifests']);
    expect(kafkaStateDifferences(code, manifestsOf([...generated(), kafkaTopicOf({ name: 'stray.topic.v1', partitions: 3, description: '', signed: false, retentionMs: 1 })]))).toEqual([
      'topic stray.topic.v1: in the manifests, not in the code',
    ]);
  });

  it('reports a topic whose partitions or retention differ', () => {
    const objects = generated().map((object) =>
      object.kind === 'KafkaTopic' && object.spec.topicName === 'bank.requests.v1' ? { ...object, spec: { ...object.spec, partitions: 3, config: {} } } : object,
    );
    expect(kafkaStateDifferences(code, manifestsOf(objects))).toEqual([
      'topic bank.requests.v1: 6 partitions in the code, 3 in the manifests',
      'topic bank.requests.v1: retention.ms 604800000 in the code, unset in the manifests',
    ]);
  });

  it('reports an ACL removed from the manifests, and one they hold that the code does not declare', () => {
    const payments = code.users.get('payments') ?? [];
    const write = payments.find((acl) => acl.resourceName === 'bank.requests.v1' && acl.operation === 'WRITE');
    expect(write).toBeDefined();
    const withoutWrite = generated().map((object) => (object.kind === 'KafkaUser' && object.metadata?.name === 'payments' ? kafkaUserOf('payments', payments.filter((acl) => acl !== write)) : object));
    expect(kafkaStateDifferences(code, manifestsOf(withoutWrite))).toEqual(['user payments: WRITE on topic bank.requests.v1 in the code, not in the manifests']);
    const withExtra = generated().map((object) =>
      object.kind === 'KafkaUser' && object.metadata?.name === 'notifications'
        ? kafkaUserOf('notifications', [...(code.users.get('notifications') ?? []), { principal: 'User:notifications', resourceType: 'TOPIC', resourceName: 'bank.requests.v1', patternType: 'LITERAL', operation: 'WRITE' }])
        : object,
    );
    expect(kafkaStateDifferences(code, manifestsOf(withExtra))).toEqual(['user notifications: WRITE on topic bank.requests.v1 in the manifests, not in the code']);
  });

  it('reports a user in the manifests the code does not declare, and a declared user the manifests lack', () => {
    expect(kafkaStateDifferences(code, manifestsOf([...generated(), kafkaUserOf('partner-abcd', [])]))).toEqual(['user partner-abcd: in the manifests, not in the code']);
    const withoutObserver = generated().filter((object) => object.metadata?.name !== 'observer');
    expect(kafkaStateDifferences(code, manifestsOf(withoutObserver))).toEqual(['user observer: in the code, not in the manifests']);
  });

  it('flags what the declaration cannot express: another authentication, a DENY or host-bound rule, an operation kirim never grants, another cluster', () => {
    const user = kafkaUserOf('payments', code.users.get('payments') ?? []);
    const odd = {
      ...user,
      metadata: { ...user.metadata, labels: { 'strimzi.io/cluster': 'other' } },
      spec: {
        authentication: { type: 'tls' },
        authorization: {
          type: 'simple',
          acls: [
            { type: 'deny', resource: { type: 'topic', name: 'a' }, operations: ['Read'] },
            { host: '10.0.0.1', resource: { type: 'topic', name: 'b' }, operations: ['Read'] },
            { resource: { type: 'cluster' }, operations: ['Alter'] },
            { resource: { type: 'topic', name: 'c' }, operations: ['All'] },
          ],
        },
      },
    };
    expect(kafkaStateOfManifests([odd]).problems).toEqual([
      'KafkaUser payments: label strimzi.io/cluster is not kirim, so no operator of that cluster reconciles it',
      'KafkaUser payments: authentication is tls, not scram-sha-512',
      'KafkaUser payments: acls[0]: a deny rule; the declaration has ALLOW rules only',
      'KafkaUser payments: acls[1]: bound to host 10.0.0.1; the declaration allows any host',
      'KafkaUser payments: acls[2]: resource {"type":"cluster"} is not a named topic or group, literal or prefix',
      'KafkaUser payments: acls[3]: operation All is none the declaration uses',
    ]);
  });
});
