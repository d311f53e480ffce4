import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { kafkaAcls, kafkaPrincipals, KafkaAcl } from '@kirim/contracts';
import { aclEntryOf, BrokerAcl, brokerAclsOf, exactFilterOf, managedPrincipals, planAcls } from './acl-plan';

const CODES = ['XMPL'];
const declared = kafkaAcls(CODES);
const isManaged = managedPrincipals(kafkaPrincipals(CODES));

function onBroker(acl: KafkaAcl, overrides: Partial<BrokerAcl> = {}): BrokerAcl {
  return { ...acl, host: '*', permission: 'ALLOW', ...overrides };
}

describe('planAcls', () => {
  it('creates every declared ACL on an empty broker and deletes nothing', () => {
    expect(planAcls(declared, [], isManaged)).toEqual({ create: declared, delete: [], present: 0 });
  });

  it('changes nothing when the broker holds exactly the declaration', () => {
    expect(planAcls(declared, declared.map((acl) => onBroker(acl)), isManaged)).toEqual({ create: [], delete: [], present: declared.length });
  });

  it('removes ALLOW rules of declared principals that the declaration no longer lists', () => {
    const stale = onBroker({ principal: 'User:notifications', resourceType: 'TOPIC', resourceName: 'bank.requests.v1', patternType: 'LITERAL', operation: 'WRITE' });
    const plan = planAcls(declared, [...declared.map((acl) => onBroker(acl)), stale], isManaged);
    expect(plan.delete).toEqual([stale]);
    expect(plan.create).toEqual([]);
  });

  it('removes a declared rule held for one host only, and creates it for any host', () => {
    const [first] = declared;
    const pinned = onBroker(first, { host: '10.0.0.7' });
    const plan = planAcls(declared, [pinned, ...declared.slice(1).map((acl) => onBroker(acl))], isManaged);
    expect(plan.delete).toEqual([pinned]);
    expect(plan.create).toEqual([first]);
  });

  it('removes the rules of a partner no longer in the registry', () => {
    const gone = onBroker({ principal: 'User:partner-gone', resourceType: 'TOPIC', resourceName: 'partner.gone.requests.v1', patternType: 'LITERAL', operation: 'READ' });
    expect(planAcls(declared, [gone], isManaged).delete).toEqual([gone]);
  });

  it('leaves DENY rules, admin and principals kirim does not declare alone', () => {
    const deny = onBroker(declared[0], { permission: 'DENY', resourceName: 'identity.events.v1.other' });
    const admin = onBroker({ principal: 'User:admin', resourceType: 'TOPIC', resourceName: 'anything', patternType: 'LITERAL', operation: 'READ' });
    const stranger = onBroker({ principal: 'User:kcat-operator', resourceType: 'TOPIC', resourceName: 'x', patternType: 'PREFIXED', operation: 'READ' });
    expect(planAcls(declared, [deny, admin, stranger], isManaged).delete).toEqual([]);
  });
});

describe('kafkajs mapping', () => {
  it('turns a declared ACL into a kafkajs entry for any host and back', () => {
    const acl: KafkaAcl = { principal: 'User:observer', resourceType: 'GROUP', resourceName: 'kirim-observer.', patternType: 'PREFIXED', operation: 'READ' };
    const entry = aclEntryOf(acl);
    expect(entry).toEqual({
      principal: 'User:observer',
      host: '*',
      resourceType: AclResourceTypes.GROUP,
      resourceName: 'kirim-observer.',
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      operation: AclOperationTypes.READ,
      permissionType: AclPermissionTypes.ALLOW,
    });
    const [read] = brokerAclsOf([{ resourceType: entry.resourceType, resourceName: entry.resourceName, resourcePatternType: entry.resourcePatternType, acls: [entry] }]);
    expect(read).toEqual(onBroker(acl));
    expect(exactFilterOf(read)).toEqual(entry);
  });

  it('names codes kirim never declares instead of failing', () => {
    const [acl] = brokerAclsOf([
      { resourceType: AclResourceTypes.CLUSTER, resourceName: 'kafka-cluster', resourcePatternType: ResourcePatternTypes.LITERAL, acls: [{ principal: 'User:ops', host: '*', operation: AclOperationTypes.ALTER, permissionType: AclPermissionTypes.ALLOW }] },
    ]);
    expect(acl).toMatchObject({ resourceType: 'CLUSTER', operation: 'ALTER', permission: 'ALLOW' });
  });
});
