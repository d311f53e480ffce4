import { AclEntry, AclFilter, AclOperationTypes, AclPermissionTypes, AclResourceTypes, DescribeAclResource, ResourcePatternTypes } from 'kafkajs';
import { aclKey, ADMIN_PRINCIPAL, AclOperation, AclPatternType, AclResourceType, KafkaAcl } from '@kirim/contracts';

/** An ACL as the broker holds it; type, pattern and operation may be ones kirim never declares (CLUSTER, ALL...). */
export interface BrokerAcl {
  readonly principal: string;
  readonly host: string;
  readonly resourceType: string;
  readonly resourceName: string;
  readonly patternType: string;
  readonly operation: string;
  readonly permission: string;
}

export interface AclPlan {
  readonly create: readonly KafkaAcl[];
  readonly delete: readonly BrokerAcl[];
  /** Declared ACLs the broker already has. */
  readonly present: number;
}

/**
 * Principals whose ALLOW ACLs kirim owns: every declared principal but admin (a super user needs none,
 * and an operator may have given it some), and any partner principal, so a bank removed from the
 * registry loses its access. Others' ACLs, and DENY rules, are never touched.
 */
export function managedPrincipals(declaredPrincipals: readonly string[]): (principal: string) => boolean {
  const declared = new Set(declaredPrincipals.filter((principal) => principal !== ADMIN_PRINCIPAL).map((principal) => `User:${principal}`));
  return (principal) => declared.has(principal) || /^User:partner-[a-z]{4}$/.test(principal);
}

/** The changes that make the broker's ALLOW rules for managed principals exactly `declared` (any host). */
export function planAcls(declared: readonly KafkaAcl[], existing: readonly BrokerAcl[], isManaged: (principal: string) => boolean): AclPlan {
  const declaredKeys = new Set(declared.map(aclKey));
  const matching = new Set(existing.filter((acl) => acl.permission === 'ALLOW' && acl.host === '*').map((acl) => aclKey(acl as KafkaAcl)));
  return {
    create: declared.filter((acl) => !matching.has(aclKey(acl))),
    delete: existing.filter((acl) => acl.permission === 'ALLOW' && isManaged(acl.principal) && !(acl.host === '*' && declaredKeys.has(aclKey(acl as KafkaAcl)))),
    present: declared.filter((acl) => matching.has(aclKey(acl))).length,
  };
}

// kafkajs speaks the protocol's numeric codes; the declaration speaks names.
const RESOURCE_TYPES: Readonly<Record<AclResourceType, AclResourceTypes>> = { TOPIC: AclResourceTypes.TOPIC, GROUP: AclResourceTypes.GROUP };
const PATTERN_TYPES: Readonly<Record<AclPatternType, ResourcePatternTypes>> = { LITERAL: ResourcePatternTypes.LITERAL, PREFIXED: ResourcePatternTypes.PREFIXED };
const OPERATIONS: Readonly<Record<AclOperation, AclOperationTypes>> = { READ: AclOperationTypes.READ, WRITE: AclOperationTypes.WRITE, DESCRIBE: AclOperationTypes.DESCRIBE };

function nameOf(codes: object, code: number): string {
  return Object.entries(codes).find(([, value]) => value === code)?.[0] ?? `UNKNOWN(${code})`;
}

/** Every ACL on the broker, from kafkajs' describeAcls answer. */
export function brokerAclsOf(resources: readonly DescribeAclResource[]): BrokerAcl[] {
  return resources.flatMap((resource) =>
    resource.acls.map((acl) => ({
      principal: acl.principal,
      host: acl.host,
      resourceType: nameOf(AclResourceTypes, resource.resourceType),
      resourceName: resource.resourceName,
      patternType: nameOf(ResourcePatternTypes, resource.resourcePatternType),
      operation: nameOf(AclOperationTypes, acl.operation),
      permission: nameOf(AclPermissionTypes, acl.permissionType),
    })),
  );
}

/** The filter that lists every ACL. */
export const ALL_ACLS: AclFilter = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
};

export function aclEntryOf(acl: KafkaAcl): AclEntry {
  return {
    principal: acl.principal,
    host: '*',
    resourceType: RESOURCE_TYPES[acl.resourceType],
    resourceName: acl.resourceName,
    resourcePatternType: PATTERN_TYPES[acl.patternType],
    operation: OPERATIONS[acl.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/** A filter matching exactly one ACL the broker holds. */
export function exactFilterOf(acl: BrokerAcl): AclFilter {
  const code = (codes: object, name: string): number => {
    const value = (codes as Record<string, number>)[name];
    if (value === undefined) throw new Error(`unknown ACL code name ${name}`);
    return value;
  };
  return {
    principal: acl.principal,
    host: acl.host,
    resourceType: code(AclResourceTypes, acl.resourceType),
    resourceName: acl.resourceName,
    resourcePatternType: code(ResourcePatternTypes, acl.patternType),
    operation: code(AclOperationTypes, acl.operation),
    permissionType: code(AclPermissionTypes, acl.permission),
  };
}

export function describeAcl(acl: Pick<BrokerAcl, 'principal' | 'resourceType' | 'resourceName' | 'patternType' | 'operation'>): string {
  const name = acl.patternType === 'PREFIXED' ? `${acl.resourceName}*` : acl.resourceName;
  return `${acl.principal} ${acl.operation} ${acl.resourceType.toLowerCase()} ${name}`;
}
