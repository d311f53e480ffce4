/**
 * Brings the local broker to what libs/contracts declares, as the admin user:
 *   (a) a SCRAM-SHA-512 user per principal of kafkaPrincipals() (passwords made once under
 *       $KIRIM_HOME/keys/kafka/<principal>.password), through ScramUsers.java;
 *   (b) every topic of topicCatalogueWithPartners() (grown, never shrunk: Kafka cannot remove partitions);
 *   (c) exactly the ACLs of kafkaAcls(): missing ones created, ALLOW rules of kirim's principals that
 *       the declaration no longer lists deleted.
 * Partner banks come from the partner registry (deploy/local/partner-banks.json, or PARTNER_REGISTRY_FILE).
 * Auto-create is off on the broker, so this runs after `kafka.sh start` and before the services.
 *
 *   node -r ./tools/ts-register.cjs deploy/local/provision-kafka.ts [--rotate <principal>]...
 *
 * --rotate gives a principal a new password (file and broker); restart the service that uses it.
 * Env: KAFKA_BROKERS (default 127.0.0.1:9092), KIRIM_HOME, KAFKA_ADMIN_PASSWORD (else the admin's file).
 * Idempotent: a second run changes nothing on the broker but re-applies the same SCRAM credentials.
 */
import { join } from 'node:path';
import { Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { ADMIN_PRINCIPAL, kafkaAcls, kafkaPrincipals, topicCatalogueWithPartners } from '@kirim/contracts';
import { ALL_ACLS, aclEntryOf, brokerAclsOf, describeAcl, exactFilterOf, managedPrincipals, planAcls } from './kafka/acl-plan';
import { KafkaPasswordFiles, kirimHome } from './kafka/kafka-passwords';
import { partnerBankCodes } from './kafka/partner-bank-codes';
import { ScramUsersResult, upsertScramUsers } from './kafka/scram-users';
import { planRetention, planTopics, topicConfigEntries } from './kafka/topic-plan';

function say(line: string): void {
  console.log(`[kafka] ${line}`);
}

function rotationsOf(args: readonly string[], principals: readonly string[]): string[] {
  const rotate: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg !== '--rotate') throw new Error(`unknown argument ${arg} (usage: provision-kafka.ts [--rotate <principal>]...)`);
    const principal = args[++i];
    if (!principal || !principals.includes(principal)) throw new Error(`--rotate needs one of: ${principals.filter((p) => p !== ADMIN_PRINCIPAL).join(', ')}`);
    if (principal === ADMIN_PRINCIPAL) {
      throw new Error("admin's password is written into the broker's storage and configuration: to replace it, delete it and start afresh (scripts/stack.sh reset)");
    }
    rotate.push(principal);
  }
  return rotate;
}

/**
 * Polls `ready` (a throw counts as not yet) for up to 30 s. A broker answers "does not host this
 * topic-partition" or "coordinator not available" for a few seconds after a fresh start; kafkajs'
 * own waits give up on the first, so provisioning waits here, once, for everything after it.
 */
async function untilReady(what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  for (;;) {
    try {
      if (await ready()) return;
      last = 'not yet';
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`the broker did not get ready (${what}) within 30 s: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** retention.ms of existing topics, as the broker describes it (topic-level or the broker's default). */
async function retentionOf(admin: Admin, topics: readonly string[]): Promise<Map<string, string | undefined>> {
  if (topics.length === 0) return new Map();
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
  });
  return new Map(resources.map((resource) => [resource.resourceName, resource.configEntries.find((entry) => entry.configName === 'retention.ms')?.configValue]));
}

async function provisionTopics(admin: Admin, partnerCodes: readonly string[]): Promise<string> {
  const catalogue = topicCatalogueWithPartners(partnerCodes);
  const names = new Set(await admin.listTopics());
  const present = catalogue.filter((topic) => names.has(topic.name));
  const { topics } = present.length > 0 ? await admin.fetchTopicMetadata({ topics: present.map((topic) => topic.name) }) : { topics: [] };
  const plan = planTopics(catalogue, new Map(topics.map((topic) => [topic.name, topic.partitions.length])));
  if (plan.create.length > 0) {
    await admin.createTopics({ waitForLeaders: false, topics: plan.create.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1, configEntries: topicConfigEntries(t) })) });
    await untilReady(`leaders for ${plan.create.length} new topics`, async () => {
      const { topics: created } = await admin.fetchTopicMetadata({ topics: plan.create.map((t) => t.name) });
      return created.length === plan.create.length && created.every((topic) => topic.partitions.every((partition) => partition.leader >= 0));
    });
    for (const t of plan.create) say(`created topic ${t.name} (${t.partitions} partitions)`);
  }
  if (plan.grow.length > 0) {
    await admin.createPartitions({ validateOnly: false, topicPartitions: plan.grow.map(({ spec }) => ({ topic: spec.name, count: spec.partitions })) });
    for (const { spec, from } of plan.grow) say(`grew topic ${spec.name} (${from} -> ${spec.partitions} partitions)`);
  }
  const retune = planRetention(catalogue, await retentionOf(admin, present.map((topic) => topic.name)));
  if (retune.length > 0) {
    await admin.alterConfigs({ validateOnly: false, resources: retune.map(({ spec }) => ({ type: ConfigResourceTypes.TOPIC, name: spec.name, configEntries: topicConfigEntries(spec) })) });
    for (const { spec, from } of retune) say(`set retention.ms of ${spec.name} to ${spec.retentionMs} (was ${from ?? 'unset'})`);
  }
  for (const { spec, have } of plan.larger) say(`kept topic ${spec.name} (${have} partitions; the catalogue says ${spec.partitions}, and partitions cannot be removed)`);
  return `topics: ${catalogue.length} declared; ${plan.create.length} created, ${plan.grow.length} grown, ${retune.length} retention reset`;
}

async function provisionAcls(admin: Admin, partnerCodes: readonly string[]): Promise<string> {
  const declared = kafkaAcls(partnerCodes);
  const existing = brokerAclsOf((await admin.describeAcls(ALL_ACLS)).resources);
  const plan = planAcls(declared, existing, managedPrincipals(kafkaPrincipals(partnerCodes)));
  if (plan.create.length > 0) {
    await admin.createAcls({ acl: plan.create.map(aclEntryOf) });
    const perPrincipal = new Map<string, number>();
    for (const acl of plan.create) perPrincipal.set(acl.principal, (perPrincipal.get(acl.principal) ?? 0) + 1);
    say(`allowed ${[...perPrincipal].map(([principal, count]) => `${principal} (${count})`).join(', ')}`);
  }
  if (plan.delete.length > 0) {
    await admin.deleteAcls({ filters: plan.delete.map(exactFilterOf) });
    for (const acl of plan.delete) say(`removed ${describeAcl(acl)}${acl.host === '*' ? '' : ` (host ${acl.host})`}: not in the declaration`);
  }
  return `ACLs: ${declared.length} declared; ${plan.create.length} created, ${plan.delete.length} removed`;
}

function usersLine(result: ScramUsersResult, declared: readonly string[]): string {
  const leftovers = result.others.filter((user) => user !== ADMIN_PRINCIPAL && !declared.includes(user));
  for (const user of leftovers) say(`note: SCRAM user ${user} is not declared (a partner removed from the registry?); its ACLs are removed, the user is left`);
  const created = result.created.length > 0 ? ` (new: ${result.created.join(', ')})` : '';
  return `users: admin + ${result.created.length + result.updated.length} upserted${created}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  const partnerCodes = partnerBankCodes();
  const principals = kafkaPrincipals(partnerCodes);
  const passwords = new KafkaPasswordFiles();
  for (const principal of rotationsOf(process.argv.slice(2), principals)) {
    passwords.rotate(principal);
    say(`new password for ${principal} in ${passwords.fileOf(principal)}; restart what connects as ${principal}`);
  }
  const adminPassword = process.env['KAFKA_ADMIN_PASSWORD']?.trim() || passwords.read(ADMIN_PRINCIPAL);
  const users = principals.filter((principal) => principal !== ADMIN_PRINCIPAL);
  for (const principal of users) passwords.ensure(principal);

  // The JVM that writes SCRAM users runs while kafkajs creates topics and ACLs: they do not depend on each other.
  const scram = upsertScramUsers({
    kafkaHome: join(kirimHome(), 'kafka'),
    bootstrapServers: brokers,
    adminPassword,
    users: users.map((name) => ({ name, password: passwords.read(name) })),
  });
  scram.catch(() => undefined); // awaited below; this keeps an early kafkajs failure from leaving it unhandled

  const kafka = new Kafka({
    clientId: 'kirim-provision-kafka',
    brokers,
    sasl: { mechanism: 'scram-sha-512', username: ADMIN_PRINCIPAL, password: adminPassword },
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 300 },
  });
  const admin = kafka.admin();
  await admin.connect();
  let summary: string[];
  try {
    const topics = await provisionTopics(admin, partnerCodes);
    const acls = await provisionAcls(admin, partnerCodes);
    // Consumers join groups right after this: wait until the group coordinator has loaded (__consumer_offsets).
    await untilReady('the group coordinator', async () => {
      // kafkajs throws while the coordinator is not available or still loading.
      await admin.describeGroups(['kirim-provisioning-probe']);
      return true;
    });
    summary = [usersLine(await scram, principals), topics, acls];
  } finally {
    await admin.disconnect();
  }
  say(`${summary.join(' | ')}`);
  say(`provisioned ${brokers.join(',')} for partner banks [${partnerCodes.join(', ')}] in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(`[kafka] provisioning failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
