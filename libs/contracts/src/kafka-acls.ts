import { EVENT_CATALOGUE } from './event-types';
import { PARTNER_SOURCE_TEMPLATE, partnerPrincipal, SERVICE_PRINCIPALS, ServicePrincipal, servicePrincipalOf } from './principals';
import {
  CONSUMER_GROUPS,
  deadLetterTopicOf,
  partnerConsumerGroup,
  partnerRequestsTopic,
  partnerResponsesTopic,
  PARTNER_TOPICS,
  resolveTopicAddress,
  TOPICS,
  topicCatalogueWithPartners,
  TopicAddress,
} from './topics';

/**
 * Who may do what on kirim's Kafka, declared once beside the topic catalogue. The broker runs with
 * `allow.everyone.if.no.acl.found=false`, so a principal can do exactly what is listed here and
 * nothing else; the topic-creation step applies this list (and removes what it no longer holds),
 * and the Kubernetes KafkaUsers are checked against it.
 */

/** What each service consumes, with the consumer group it reads as. */
export const SERVICE_SUBSCRIPTIONS: Readonly<Record<ServicePrincipal, { readonly groupId: string; readonly topics: readonly TopicAddress[] } | null>> = {
  [SERVICE_PRINCIPALS.IDENTITY]: null,
  [SERVICE_PRINCIPALS.PAYMENTS]: { groupId: CONSUMER_GROUPS.PAYMENTS, topics: [TOPICS.BANK_RESPONSES] },
  [SERVICE_PRINCIPALS.BANK_CONNECTOR]: { groupId: CONSUMER_GROUPS.BANK_CONNECTOR, topics: [TOPICS.BANK_REQUESTS, PARTNER_TOPICS.RESPONSES] },
  // identity.events.v1 for users' language and time zone, which receipts are written in.
  [SERVICE_PRINCIPALS.NOTIFICATIONS]: { groupId: CONSUMER_GROUPS.NOTIFICATIONS, topics: [TOPICS.PAYMENTS_EVENTS, TOPICS.IDENTITY_EVENTS] },
};

/**
 * A read-only principal for operators' tools, the benchmark and the end-to-end tests: it reads every
 * topic, dead letters included, with throw-away groups under its own prefix, and writes nothing.
 */
export const OBSERVER_PRINCIPAL = 'observer';
export const OBSERVER_GROUP_PREFIX = 'kirim-observer.';

/** The super user that creates topics, ACLs and SCRAM users; no service runs as it. */
export const ADMIN_PRINCIPAL = 'admin';

export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE';
export type AclResourceType = 'TOPIC' | 'GROUP';
export type AclPatternType = 'LITERAL' | 'PREFIXED';

/** One ALLOW rule, in the broker's own terms (`User:<principal>`). */
export interface KafkaAcl {
  readonly principal: string;
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly patternType: AclPatternType;
  readonly operation: AclOperation;
}

/** What one principal may do, before it is spelled out as ACL rules. */
export interface KafkaAccess {
  readonly principal: string;
  readonly writes: readonly string[];
  readonly reads: readonly string[];
  readonly groups: readonly { readonly name: string; readonly patternType: AclPatternType }[];
}

function topicsOfAddress(address: TopicAddress, partnerBankCodes: readonly string[]): string[] {
  return address === PARTNER_TOPICS.REQUESTS || address === PARTNER_TOPICS.RESPONSES
    ? partnerBankCodes.map((code) => resolveTopicAddress(address, code))
    : [address];
}

/** Every party's access in a deployment with these partner banks. */
export function kafkaAccessDeclaration(partnerBankCodes: readonly string[]): KafkaAccess[] {
  const services = Object.values(SERVICE_PRINCIPALS).map((service): KafkaAccess => {
    const produced = Object.values(EVENT_CATALOGUE)
      .filter((spec) => spec.source !== PARTNER_SOURCE_TEMPLATE && servicePrincipalOf(spec.source) === service)
      .flatMap((spec) => topicsOfAddress(spec.topic, partnerBankCodes));
    const subscription = SERVICE_SUBSCRIPTIONS[service];
    const reads = (subscription?.topics ?? []).flatMap((address) => topicsOfAddress(address, partnerBankCodes));
    return {
      principal: service,
      // A consumer dead-letters what it refuses, so it writes the dead-letter topic of each topic it reads.
      writes: unique([...produced, ...reads.map(deadLetterTopicOf)]),
      reads,
      groups: subscription ? [{ name: subscription.groupId, patternType: 'LITERAL' }] : [],
    };
  });
  const partners = partnerBankCodes.map((code): KafkaAccess => ({
    principal: partnerPrincipal(code),
    writes: [partnerResponsesTopic(code), deadLetterTopicOf(partnerRequestsTopic(code))],
    reads: [partnerRequestsTopic(code)],
    groups: [{ name: partnerConsumerGroup(code), patternType: 'LITERAL' }],
  }));
  const observer: KafkaAccess = {
    principal: OBSERVER_PRINCIPAL,
    writes: [],
    reads: topicCatalogueWithPartners(partnerBankCodes).map((topic) => topic.name),
    groups: [{ name: OBSERVER_GROUP_PREFIX, patternType: 'PREFIXED' }],
  };
  return [...services, ...partners, observer];
}

/** The declaration as the broker's ACL rules: WRITE and DESCRIBE on written topics, READ and DESCRIBE on read ones, READ on groups. */
export function kafkaAcls(partnerBankCodes: readonly string[]): KafkaAcl[] {
  const acls: KafkaAcl[] = [];
  const add = (principal: string, resourceType: AclResourceType, resourceName: string, patternType: AclPatternType, operation: AclOperation): void => {
    const acl = { principal: `User:${principal}`, resourceType, resourceName, patternType, operation };
    if (!acls.some((existing) => aclKey(existing) === aclKey(acl))) acls.push(acl);
  };
  for (const access of kafkaAccessDeclaration(partnerBankCodes)) {
    for (const topic of access.writes) {
      add(access.principal, 'TOPIC', topic, 'LITERAL', 'WRITE');
      add(access.principal, 'TOPIC', topic, 'LITERAL', 'DESCRIBE');
    }
    for (const topic of access.reads) {
      add(access.principal, 'TOPIC', topic, 'LITERAL', 'READ');
      add(access.principal, 'TOPIC', topic, 'LITERAL', 'DESCRIBE');
    }
    for (const group of access.groups) add(access.principal, 'GROUP', group.name, group.patternType, 'READ');
  }
  return acls;
}

/** Every principal that needs a Kafka user (SCRAM credentials), admin included. */
export function kafkaPrincipals(partnerBankCodes: readonly string[]): string[] {
  return [ADMIN_PRINCIPAL, ...kafkaAccessDeclaration(partnerBankCodes).map((access) => access.principal)];
}

export function aclKey(acl: KafkaAcl): string {
  return [acl.principal, acl.resourceType, acl.resourceName, acl.patternType, acl.operation].join('|');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
