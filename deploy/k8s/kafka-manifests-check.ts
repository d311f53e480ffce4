import { ADMIN_PRINCIPAL, aclKey, KafkaAcl, kafkaAcls, kafkaPrincipals, topicCatalogueWithPartners } from '@kirim/contracts';
import { DECLARED_OPERATION, DECLARED_PATTERN_TYPE, DECLARED_RESOURCE_TYPE, KAFKA_CLUSTER } from './kafka-manifests';

/**
 * Topics, users and ACLs as one comparable shape, read either from the declaration in libs/contracts
 * or from the Strimzi objects of a built overlay, and the differences between the two, both ways.
 */

export interface TopicSettings {
  readonly partitions: number | undefined;
  readonly retentionMs: number | undefined;
}

export interface KafkaAccessState {
  /** Kafka topic name -> what is set on it. */
  readonly topics: ReadonlyMap<string, TopicSettings>;
  /** Principal (the KafkaUser's name) -> its ALLOW rules, any host. */
  readonly users: ReadonlyMap<string, readonly KafkaAcl[]>;
}

/** What a deployment with these partner banks must hold: every topic, and a user per principal but admin (the operators' own). */
export function declaredKafkaState(partnerBankCodes: readonly string[]): KafkaAccessState {
  const acls = kafkaAcls(partnerBankCodes);
  return {
    topics: new Map(topicCatalogueWithPartners(partnerBankCodes).map((topic) => [topic.name, { partitions: topic.partitions, retentionMs: topic.retentionMs }])),
    users: new Map(
      kafkaPrincipals(partnerBankCodes)
        .filter((principal) => principal !== ADMIN_PRINCIPAL)
        .map((principal) => [principal, acls.filter((acl) => acl.principal === `User:${principal}`)]),
    ),
  };
}

interface ManifestObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: Readonly<Record<string, unknown>>;
}

interface StrimziAclRule {
  readonly type?: string;
  readonly host?: string;
  readonly resource?: { readonly type?: string; readonly name?: string; readonly patternType?: string };
  readonly operations?: readonly string[];
}

/**
 * The KafkaTopics and KafkaUsers among built manifests, and what in them the declaration cannot say:
 * a user not on SCRAM-SHA-512 or simple authorization, a DENY or host-bound rule, an operation or
 * resource type kirim never declares, an object of another cluster, a topic declared twice.
 */
export function kafkaStateOfManifests(objects: readonly unknown[], cluster: string = KAFKA_CLUSTER): { state: KafkaAccessState; problems: string[] } {
  const topics = new Map<string, TopicSettings>();
  const users = new Map<string, KafkaAcl[]>();
  const problems: string[] = [];
  for (const object of objects as readonly ManifestObject[]) {
    if (!object?.apiVersion?.startsWith('kafka.strimzi.io/') || (object.kind !== 'KafkaTopic' && object.kind !== 'KafkaUser')) continue;
    const name = object.metadata?.name ?? '';
    const where = `${object.kind} ${name}`;
    if (object.metadata?.labels?.['strimzi.io/cluster'] !== cluster) problems.push(`${where}: label strimzi.io/cluster is not ${cluster}, so no operator of that cluster reconciles it`);
    const spec = object.spec ?? {};
    if (object.kind === 'KafkaTopic') {
      // Strimzi names the topic after the object when spec.topicName is absent.
      const topic = typeof spec['topicName'] === 'string' ? spec['topicName'] : name;
      if (topics.has(topic)) problems.push(`${where}: topic ${topic} is declared by another KafkaTopic too`);
      const retention = (spec['config'] as Readonly<Record<string, unknown>> | undefined)?.['retention.ms'];
      topics.set(topic, {
        partitions: typeof spec['partitions'] === 'number' ? spec['partitions'] : undefined,
        retentionMs: retention === undefined ? undefined : Number(retention),
      });
      continue;
    }
    if (users.has(name)) problems.push(`${where}: declared twice`);
    const authentication = spec['authentication'] as { readonly type?: string } | undefined;
    const authorization = spec['authorization'] as { readonly type?: string; readonly acls?: readonly StrimziAclRule[] } | undefined;
    if (authentication?.type !== 'scram-sha-512') problems.push(`${where}: authentication is ${authentication?.type ?? 'absent'}, not scram-sha-512`);
    if (authorization?.type !== 'simple') problems.push(`${where}: authorization is ${authorization?.type ?? 'absent'}, not simple`);
    users.set(name, aclsOfRules(name, authorization?.acls ?? [], problems));
  }
  return { state: { topics, users }, problems };
}

function aclsOfRules(principal: string, rules: readonly StrimziAclRule[], problems: string[]): KafkaAcl[] {
  const acls: KafkaAcl[] = [];
  rules.forEach((rule, index) => {
    const where = `KafkaUser ${principal}: acls[${index}]`;
    if ((rule.type ?? 'allow') !== 'allow') problems.push(`${where}: a ${rule.type} rule; the declaration has ALLOW rules only`);
    if ((rule.host ?? '*') !== '*') problems.push(`${where}: bound to host ${rule.host}; the declaration allows any host`);
    const resourceType = DECLARED_RESOURCE_TYPE.get(rule.resource?.type ?? '');
    const patternType = DECLARED_PATTERN_TYPE.get(rule.resource?.patternType ?? 'literal');
    if (!resourceType || !patternType || rule.resource?.name === undefined) {
      problems.push(`${where}: resource ${JSON.stringify(rule.resource)} is not a named topic or group, literal or prefix`);
      return;
    }
    for (const name of rule.operations ?? []) {
      const operation = DECLARED_OPERATION.get(name);
      if (!operation) problems.push(`${where}: operation ${name} is none the declaration uses`);
      else acls.push({ principal: `User:${principal}`, resourceType, resourceName: rule.resource.name, patternType, operation });
    }
  });
  return acls;
}

function describeRule(acl: KafkaAcl): string {
  return `${acl.operation} on ${acl.resourceType.toLowerCase()} ${acl.resourceName}${acl.patternType === 'PREFIXED' ? ' (prefix)' : ''}`;
}

/**
 * Every way the manifests differ from the code: topics, users and rules the code declares and the
 * manifests lack, the ones the manifests hold and the code does not, and topics whose partitions or
 * retention differ. Empty when they agree.
 */
export function kafkaStateDifferences(code: KafkaAccessState, manifests: KafkaAccessState): string[] {
  const differences: string[] = [];
  for (const [topic, declared] of code.topics) {
    const held = manifests.topics.get(topic);
    if (!held) {
      differences.push(`topic ${topic}: in the code, not in the manifests`);
      continue;
    }
    if (held.partitions !== declared.partitions) differences.push(`topic ${topic}: ${declared.partitions} partitions in the code, ${held.partitions ?? 'unset'} in the manifests`);
    if (held.retentionMs !== declared.retentionMs) differences.push(`topic ${topic}: retention.ms ${declared.retentionMs} in the code, ${held.retentionMs ?? 'unset'} in the manifests`);
  }
  for (const topic of manifests.topics.keys()) if (!code.topics.has(topic)) differences.push(`topic ${topic}: in the manifests, not in the code`);
  for (const [principal, declared] of code.users) {
    const held = manifests.users.get(principal);
    if (!held) {
      differences.push(`user ${principal}: in the code, not in the manifests`);
      continue;
    }
    const heldKeys = new Set(held.map(aclKey));
    const declaredKeys = new Set(declared.map(aclKey));
    for (const acl of declared) if (!heldKeys.has(aclKey(acl))) differences.push(`user ${principal}: ${describeRule(acl)} in the code, not in the manifests`);
    for (const acl of uniqueAcls(held)) if (!declaredKeys.has(aclKey(acl))) differences.push(`user ${principal}: ${describeRule(acl)} in the manifests, not in the code`);
  }
  for (const principal of manifests.users.keys()) if (!code.users.has(principal)) differences.push(`user ${principal}: in the manifests, not in the code`);
  return differences;
}

function uniqueAcls(acls: readonly KafkaAcl[]): KafkaAcl[] {
  return [...new Map(acls.map((acl) => [aclKey(acl), acl])).values()];
}
