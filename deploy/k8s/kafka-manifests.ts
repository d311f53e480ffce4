import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IKafkaTopic } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaTopic';
import type { IKafkaUser } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaUser';
import { stringify } from 'yaml';
import {
  ADMIN_PRINCIPAL,
  AclOperation,
  AclPatternType,
  AclResourceType,
  KafkaAcl,
  kafkaAcls,
  kafkaPrincipals,
  parsePartnerRegistry,
  TOPIC_CATALOGUE,
  topicCatalogueWithPartners,
  TopicSpec,
} from '@kirim/contracts';

/**
 * The Strimzi KafkaTopics and KafkaUsers of every Kubernetes overlay, generated from the declaration
 * in libs/contracts (topics.ts, kafka-acls.ts) and each overlay's partner registry, never written by
 * hand. `npm run k8s:kafka` writes them; deploy/k8s/kafka-manifests.spec.ts fails when the files
 * differ from what this renders, or when a built overlay's topics, users and ACLs differ from the
 * declaration.
 *
 * Where each object lives, so that every built overlay holds exactly kafkaAcls(its partner codes):
 * - base/kafka/topics.yaml: the fixed topics (TOPIC_CATALOGUE), the same everywhere;
 * - base/kafka/users.yaml: the users whose ACLs do not depend on the partner banks;
 * - overlays/<env>/partners/partners.yaml: each partner's topics and user, and the users whose ACLs
 *   do depend on the partners (bank-connector writes every bank's requests, the observer reads every
 *   topic). Whole users rather than patches: kustomize replaces a custom resource's list on a strategic
 *   merge, and the overlay's plain `resources:` entry is then all it takes.
 */

export const KAFKA_CLUSTER = 'kirim';

/** deploy/k8s, where the base and the overlays are. */
export const K8S_DIR = resolve(__dirname);
export const BASE_TOPICS_FILE = 'base/kafka/topics.yaml';
export const BASE_USERS_FILE = 'base/kafka/users.yaml';
/** The overlay's partner registry: the same schema as deploy/local/partner-banks.json (bank-connector reads it). */
export const OVERLAY_PARTNER_REGISTRY = 'partner-banks.json';

export function overlayPartnersFile(overlay: string): string {
  return `overlays/${overlay}/partners/partners.yaml`;
}

export function overlayPartnersKustomization(overlay: string): string {
  return `overlays/${overlay}/partners/kustomization.yaml`;
}

export type StrimziKafkaObject = IKafkaTopic | IKafkaUser;

const LABELS = { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/part-of': 'kirim', 'app.kubernetes.io/name': 'kafka' } as const;

/** A topic's object name: its Kafka name with '.' spelled '-' (Strimzi keeps the real name in spec.topicName). */
export function kafkaTopicObjectName(topic: string): string {
  return topic.replace(/\./g, '-');
}

/**
 * No `replicas`: the topic takes the broker's default.replication.factor, 3 in the base and 1 in the
 * single-node dev cluster, so the same topic objects serve every overlay.
 */
export function kafkaTopicOf(spec: TopicSpec): IKafkaTopic {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: { name: kafkaTopicObjectName(spec.name), labels: { ...LABELS, 'app.kubernetes.io/component': 'topic' } },
    spec: { topicName: spec.name, partitions: spec.partitions, config: { 'retention.ms': spec.retentionMs } },
  };
}

type StrimziAcl = NonNullable<IKafkaUser['spec']['authorization']>['acls'][number];
type StrimziOperation = StrimziAcl['operations'][number];

const RESOURCE_TYPES: Readonly<Record<AclResourceType, StrimziAcl['resource']['type']>> = { TOPIC: 'topic', GROUP: 'group' };
const PATTERN_TYPES: Readonly<Record<AclPatternType, NonNullable<StrimziAcl['resource']['patternType']>>> = { LITERAL: 'literal', PREFIXED: 'prefix' };
const OPERATIONS: Readonly<Record<AclOperation, StrimziOperation>> = { READ: 'Read', WRITE: 'Write', DESCRIBE: 'Describe' };

/** The declaration's names for Strimzi's, to read built manifests back. */
export const DECLARED_RESOURCE_TYPE = invert(RESOURCE_TYPES);
export const DECLARED_PATTERN_TYPE = invert(PATTERN_TYPES);
export const DECLARED_OPERATION = invert(OPERATIONS);

/**
 * A principal's KafkaUser: SCRAM-SHA-512 (the user operator makes the password and keeps it in a Secret
 * named after the user) and, per resource, one rule with every operation declared on it.
 */
export function kafkaUserOf(principal: string, acls: readonly KafkaAcl[]): IKafkaUser {
  const rules = new Map<string, { acl: KafkaAcl; operations: Set<AclOperation> }>();
  for (const acl of acls) {
    if (acl.principal !== `User:${principal}`) throw new Error(`an ACL of ${acl.principal} given to the KafkaUser ${principal}`);
    const resource = [acl.resourceType, acl.patternType, acl.resourceName].join('|');
    const rule = rules.get(resource) ?? { acl, operations: new Set<AclOperation>() };
    rule.operations.add(acl.operation);
    rules.set(resource, rule);
  }
  const operationOrder = Object.keys(OPERATIONS) as AclOperation[];
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name: principal, labels: { ...LABELS, 'app.kubernetes.io/component': 'user' } },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: {
        type: 'simple',
        acls: [...rules.values()].map(({ acl, operations }) => ({
          resource: { type: RESOURCE_TYPES[acl.resourceType], name: acl.resourceName, patternType: PATTERN_TYPES[acl.patternType] },
          operations: operationOrder.filter((operation) => operations.has(operation)).map((operation) => OPERATIONS[operation]),
        })),
      },
    },
  };
}

/** Any bank code: the declaration with one partner bank, to see whose ACLs the partner banks change. */
const PROBE_BANK_CODE = 'ZZZZ';

function aclsOf(principal: string, partnerBankCodes: readonly string[]): KafkaAcl[] {
  return kafkaAcls(partnerBankCodes).filter((acl) => acl.principal === `User:${principal}`);
}

/** Principals of every deployment (services and the observer; admin is the operators' own, not a KafkaUser). */
function fixedPrincipals(): string[] {
  return kafkaPrincipals([]).filter((principal) => principal !== ADMIN_PRINCIPAL);
}

/**
 * The fixed principals whose ACLs change with the partner banks (today bank-connector and the
 * observer). Found by comparing the declaration without and with a partner, so a service that starts
 * to use partner topics moves to the overlays without a change here.
 */
export function partnerDependentPrincipals(): string[] {
  const key = (acls: readonly KafkaAcl[]) => JSON.stringify(acls.map((acl) => [acl.resourceType, acl.patternType, acl.resourceName, acl.operation]).sort());
  return fixedPrincipals().filter((principal) => key(aclsOf(principal, [])) !== key(aclsOf(principal, [PROBE_BANK_CODE])));
}

export function baseKafkaTopics(): IKafkaTopic[] {
  return TOPIC_CATALOGUE.map(kafkaTopicOf);
}

export function baseKafkaUsers(): IKafkaUser[] {
  const dependent = new Set(partnerDependentPrincipals());
  return fixedPrincipals()
    .filter((principal) => !dependent.has(principal))
    .map((principal) => kafkaUserOf(principal, aclsOf(principal, [])));
}

/** What an overlay adds to the base for its partner banks: their topics and users, and the partner-dependent users. */
export function overlayKafkaObjects(partnerBankCodes: readonly string[]): StrimziKafkaObject[] {
  const fixedTopics = new Set(TOPIC_CATALOGUE.map((topic) => topic.name));
  const baseUsers = new Set(baseKafkaUsers().map((user) => user.metadata?.name));
  const topics = topicCatalogueWithPartners(partnerBankCodes).filter((topic) => !fixedTopics.has(topic.name));
  const users = kafkaPrincipals(partnerBankCodes).filter((principal) => principal !== ADMIN_PRINCIPAL && !baseUsers.has(principal));
  return [...topics.map(kafkaTopicOf), ...users.map((principal) => kafkaUserOf(principal, aclsOf(principal, partnerBankCodes)))];
}

export interface OverlayPartners {
  readonly overlay: string;
  readonly partnerBankCodes: readonly string[];
}

/** Every overlay with a partner registry, and its partner banks' codes; an invalid registry stops with its errors. */
export function overlaysWithPartners(k8sDir: string = K8S_DIR): OverlayPartners[] {
  const overlaysDir = join(k8sDir, 'overlays');
  return readdirSync(overlaysDir)
    .filter((overlay) => statSync(join(overlaysDir, overlay)).isDirectory())
    .sort()
    .flatMap((overlay) => {
      const file = join(overlaysDir, overlay, OVERLAY_PARTNER_REGISTRY);
      if (!existsSync(file)) return [];
      const parsed = parsePartnerRegistry(readFileSync(file, 'utf8'));
      if (!parsed.ok) throw new Error(`the partner registry ${file} is invalid: ${parsed.errors.join('; ')}`);
      return [{ overlay, partnerBankCodes: parsed.registry.partners.map((partner) => partner.bankCode) }];
    });
}

function header(lines: readonly string[]): string {
  return [
    '# Generated by deploy/k8s/write-kafka-manifests.ts from libs/contracts (topics.ts, kafka-acls.ts)',
    '# and the overlays\' partner-banks.json: do not edit; run `npm run k8s:kafka` after changing either.',
    ...lines.map((line) => `# ${line}`),
  ].join('\n');
}

function yamlDocuments(objects: readonly object[]): string {
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}

/** Every generated file (path under deploy/k8s -> text) for these overlays. */
export function renderKafkaManifests(overlays: readonly OverlayPartners[]): Map<string, string> {
  const files = new Map<string, string>();
  files.set(BASE_TOPICS_FILE, `${header(['The fixed topics, the same in every deployment; partner banks\' topics are in each overlay.'])}\n${yamlDocuments(baseKafkaTopics())}`);
  files.set(
    BASE_USERS_FILE,
    `${header([`Users whose ACLs do not depend on the partner banks; ${partnerDependentPrincipals().join(' and ')} are in each overlay's partners/.`])}\n${yamlDocuments(baseKafkaUsers())}`,
  );
  for (const { overlay, partnerBankCodes } of overlays) {
    files.set(
      overlayPartnersFile(overlay),
      `${header([
        `Partner banks of this overlay: ${partnerBankCodes.join(', ') || '(none)'}.`,
        `Their topics and users, and ${partnerDependentPrincipals().join(' and ')}, whose ACLs name every partner's topics.`,
      ])}\n${yamlDocuments(overlayKafkaObjects(partnerBankCodes))}`,
    );
    files.set(
      overlayPartnersKustomization(overlay),
      `${header([])}\n${stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['partners.yaml'] }, { lineWidth: 0 })}`,
    );
  }
  return files;
}

function invert<K extends string, V extends string>(record: Readonly<Record<K, V>>): ReadonlyMap<string, K> {
  return new Map(Object.entries(record).map(([key, value]) => [value as string, key as K]));
}
