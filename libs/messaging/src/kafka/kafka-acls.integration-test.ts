/**
 * The real broker's refusals: after provisioning (deploy/local/provision-kafka.ts) it holds exactly
 * the declared ACLs, refuses every principal what the declaration does not give it, and refuses
 * clients that cannot authenticate. Errors are asserted by the codes the broker answers, never by
 * timing. Nothing here writes to a topic the running stack consumes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Admin, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Consumer, Kafka, logLevel, Producer, ResourcePatternTypes, SASLOptions } from 'kafkajs';
import {
  aclKey,
  ADMIN_PRINCIPAL,
  CONSUMER_GROUPS,
  deadLetterTopicOf,
  kafkaAcls,
  kafkaPrincipals,
  OBSERVER_PRINCIPAL,
  parsePartnerRegistry,
  partnerConsumerGroup,
  partnerPrincipal,
  partnerRequestsTopic,
  partnerResponsesTopic,
  SERVICE_PRINCIPALS,
  TOPICS,
} from '@kirim/contracts';
import { readKafkaPassword, testKafkaBrokers, testKafkaClientConfig } from '@kirim/testing';

const REGISTRY_FILE = resolve(__dirname, '../../../../deploy/local/partner-banks.json');

function partnerCodes(): string[] {
  const parsed = parsePartnerRegistry(readFileSync(REGISTRY_FILE, 'utf8'));
  if (!parsed.ok) throw new Error(`invalid partner registry: ${parsed.errors.join('; ')}`);
  return parsed.registry.partners.map((partner) => partner.bankCode);
}

const CODES = partnerCodes();
const [PARTNER] = CODES;
const PARTNER_PRINCIPAL = partnerPrincipal(PARTNER);

/** Every error kafkajs chained (a non-retriable wrapper, its cause, the protocol error). */
function chainOf(error: unknown): { name?: string; type?: string }[] {
  const chain: { name?: string; type?: string }[] = [];
  let current = error as { name?: string; type?: string; cause?: unknown; originalError?: unknown } | undefined;
  while (current && chain.length < 10) {
    chain.push({ name: current.name, type: current.type });
    current = (current.cause ?? current.originalError) as typeof current;
  }
  return chain;
}

async function failureOf(action: () => Promise<unknown>): Promise<{ name?: string; type?: string }[]> {
  try {
    await action();
  } catch (error) {
    return chainOf(error);
  }
  throw new Error('expected the broker to refuse');
}

/** A client as `username`, failing fast: one refusal is the answer, a retry would only repeat it. */
function clientAs(username: string, password?: string, mechanism: SASLOptions['mechanism'] = 'scram-sha-512'): { kafka: Kafka; logged: { message: string; type?: string }[] } {
  const logged: { message: string; type?: string }[] = [];
  const sasl = { mechanism, username, password: password ?? readKafkaPassword(username) } as SASLOptions;
  const kafka = new Kafka({
    clientId: `it-kafka-acls-${username}`,
    brokers: testKafkaBrokers(),
    sasl,
    retry: { retries: 0 },
    connectionTimeout: 5000,
    logLevel: logLevel.DEBUG,
    // kafkajs hides the broker's answer to FindCoordinator behind "Failed to find group coordinator";
    // its debug log keeps the protocol error, which is what the group tests assert on.
    logCreator: () => ({ log }) => {
      const error = log['error'] as { type?: string } | undefined;
      if (error && typeof error === 'object') logged.push({ message: log.message, type: error.type });
    },
  });
  return { kafka, logged };
}

describe('Kafka identities and ACLs on the real broker', () => {
  const opened: (Admin | Producer | Consumer)[] = [];

  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((client) => client.disconnect()));
  });

  async function produce(principal: string, topic: string): Promise<void> {
    const producer = clientAs(principal).kafka.producer({ allowAutoTopicCreation: false });
    opened.push(producer);
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'kirim-kafka-acls-integration-test', value: 'a probe of the broker ACLs, not a real record', headers: { kirim_dlq_reason: 'integration test of the Kafka ACLs' } }],
    });
  }

  it('holds exactly the declared ACLs for kirim’s principals', async () => {
    const admin = new Kafka({ clientId: 'it-kafka-acls-admin', ...testKafkaClientConfig(), logLevel: logLevel.ERROR }).admin();
    opened.push(admin);
    await admin.connect();
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const nameOf = (codes: object, code: number): string => Object.entries(codes).find(([, value]) => value === code)?.[0] ?? String(code);
    const kirims = new Set(kafkaPrincipals(CODES).filter((principal) => principal !== ADMIN_PRINCIPAL).map((principal) => `User:${principal}`));
    const onBroker = resources.flatMap((resource) =>
      resource.acls
        .filter((acl) => kirims.has(acl.principal))
        .map((acl) => ({
          key: aclKey({
            principal: acl.principal,
            resourceType: nameOf(AclResourceTypes, resource.resourceType) as 'TOPIC',
            resourceName: resource.resourceName,
            patternType: nameOf(ResourcePatternTypes, resource.resourcePatternType) as 'LITERAL',
            operation: nameOf(AclOperationTypes, acl.operation) as 'READ',
          }),
          host: acl.host,
          permission: nameOf(AclPermissionTypes, acl.permissionType),
        })),
    );
    expect(onBroker.filter((acl) => acl.host !== '*' || acl.permission !== 'ALLOW')).toEqual([]);
    expect(onBroker.map((acl) => acl.key).sort()).toEqual(kafkaAcls(CODES).map(aclKey).sort());
  });

  it.each([
    [SERVICE_PRINCIPALS.NOTIFICATIONS, TOPICS.BANK_REQUESTS],
    [SERVICE_PRINCIPALS.BANK_CONNECTOR, TOPICS.BANK_REQUESTS],
    [SERVICE_PRINCIPALS.IDENTITY, TOPICS.PAYMENTS_EVENTS],
    [SERVICE_PRINCIPALS.PAYMENTS, TOPICS.BANK_RESPONSES],
    [PARTNER_PRINCIPAL, partnerRequestsTopic(PARTNER)],
    [PARTNER_PRINCIPAL, TOPICS.BANK_RESPONSES],
    [OBSERVER_PRINCIPAL, TOPICS.PAYMENTS_EVENTS],
  ])('refuses %s writing %s (TOPIC_AUTHORIZATION_FAILED)', async (principal, topic) => {
    expect(await failureOf(() => produce(principal, topic))).toContainEqual(expect.objectContaining({ type: 'TOPIC_AUTHORIZATION_FAILED' }));
  });

  it.each([
    [PARTNER_PRINCIPAL, TOPICS.BANK_REQUESTS, partnerConsumerGroup(PARTNER)],
    [PARTNER_PRINCIPAL, TOPICS.BANK_RESPONSES, partnerConsumerGroup(PARTNER)],
    [SERVICE_PRINCIPALS.NOTIFICATIONS, TOPICS.BANK_REQUESTS, CONSUMER_GROUPS.NOTIFICATIONS],
  ])('refuses %s reading %s (TOPIC_AUTHORIZATION_FAILED, before joining %s)', async (principal, topic, groupId) => {
    // The refusal comes with the topic's metadata, at subscribe: the group is never joined, so a
    // running consumer of that group sees no rebalance.
    const consumer = clientAs(principal).kafka.consumer({ groupId, allowAutoTopicCreation: false });
    opened.push(consumer);
    await consumer.connect();
    expect(await failureOf(() => consumer.subscribe({ topics: [topic] }))).toContainEqual(expect.objectContaining({ type: 'TOPIC_AUTHORIZATION_FAILED' }));
  });

  it.each([
    // A partner may read its requests, but only with its own group: not by joining bank-connector's.
    [PARTNER_PRINCIPAL, partnerRequestsTopic(PARTNER), CONSUMER_GROUPS.BANK_CONNECTOR],
    // The observer's groups must carry its prefix, so it can never join (and disturb) a service's group.
    [OBSERVER_PRINCIPAL, TOPICS.PAYMENTS_EVENTS, CONSUMER_GROUPS.NOTIFICATIONS],
  ])('refuses %s reading %s as group %s (GROUP_AUTHORIZATION_FAILED)', async (principal, topic, groupId) => {
    const { kafka, logged } = clientAs(principal);
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries: 0 } });
    opened.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    const crashed = new Promise<unknown>((resolveCrash) => consumer.on(consumer.events.CRASH, (event) => resolveCrash(event.payload.error)));
    await consumer.run({ eachMessage: async () => undefined });
    expect(chainOf(await crashed)).toContainEqual(expect.objectContaining({ name: 'KafkaJSGroupCoordinatorNotFound' }));
    expect(logged).toContainEqual({ message: 'Tried to find group coordinator', type: 'GROUP_AUTHORIZATION_FAILED' });
  });

  it('refuses a client without credentials at the door', async () => {
    const admin = new Kafka({ clientId: 'it-kafka-acls-anonymous', brokers: testKafkaBrokers(), retry: { retries: 0 }, logLevel: logLevel.NOTHING }).admin();
    opened.push(admin);
    // The listener speaks only SASL: the broker closes a connection whose first request after
    // ApiVersions is not the SASL handshake.
    const chain = await failureOf(async () => {
      await admin.connect();
      await admin.listTopics();
    });
    expect(chain.map((error) => error.name)).toContain('KafkaJSConnectionClosedError');
  });

  it.each([
    ['a wrong password', SERVICE_PRINCIPALS.PAYMENTS, 'not-the-password-of-payments'],
    ['an unknown user', 'mallory', 'any-password-at-all'],
  ])('refuses %s (SASL authentication failed)', async (_case, username, password) => {
    const admin = clientAs(username, password).kafka.admin();
    opened.push(admin);
    expect(await failureOf(() => admin.connect())).toContainEqual(expect.objectContaining({ name: 'KafkaJSSASLAuthenticationError' }));
  });

  it('offers only SCRAM-SHA-512 to clients, not the PLAIN the controller listener uses', async () => {
    const admin = clientAs(ADMIN_PRINCIPAL, readKafkaPassword(ADMIN_PRINCIPAL), 'plain').kafka.admin();
    opened.push(admin);
    expect(await failureOf(() => admin.connect())).toContainEqual(expect.objectContaining({ type: 'UNSUPPORTED_SASL_MECHANISM' }));
  });

  it('lets a principal do what it is given: a partner dead-letters a request, the observer reads metadata', async () => {
    // The partner's own dead-letter topic: no kirim service consumes it.
    await produce(PARTNER_PRINCIPAL, deadLetterTopicOf(partnerRequestsTopic(PARTNER)));
    const observer = clientAs(OBSERVER_PRINCIPAL).kafka.admin();
    opened.push(observer);
    await observer.connect();
    const { topics } = await observer.fetchTopicMetadata({ topics: [TOPICS.BANK_REQUESTS, partnerResponsesTopic(PARTNER)] });
    expect(topics.map((topic) => topic.partitions.length)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(topics.every((topic) => topic.partitions.length > 0)).toBe(true);
  });
});
