import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ALL_SERVICE_PRINCIPALS, isSignedTopicAddress, SERVICE_SUBSCRIPTIONS, ServicePrincipal } from '@kirim/contracts';
import { MessagingConfig } from '@kirim/messaging';
import { BaseServiceConfig, loadConfig, ServiceCallsConfig } from '@kirim/platform';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { signingServices } from '../local/message-keys';
import { buildOverlay, findObject, K8sObject, objectsOfKind, overlayNames, REPO_ROOT } from './kustomize-build';
import { containerOf, EnvSource, environmentOf, literalEnv } from './workload-env';
import { podSpecOf } from './workload-lint';

const BUILD_TIMEOUT_MS = 60_000;
const SERVICES: readonly ServicePrincipal[] = ALL_SERVICE_PRINCIPALS;

const source = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(REPO_ROOT, dir)).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(join(REPO_ROOT, path)).isDirectory()) return filesUnder(path, pattern);
    return pattern.test(entry) ? [path] : [];
  });
}

/**
 * The variables a config class requires: its properties declared `NAME!:` (no default, not optional),
 * read from the class's source, so a variable added to a config class and not to the manifests fails here.
 */
function requiredVariables(file: string): string[] {
  return [...source(file).matchAll(/^\s+([A-Z][A-Z0-9_]*)!:/gm)].map((match) => match[1]);
}

/** The config classes a service validates at boot (its own, and those of the libs it boots with). */
function configFilesOf(service: ServicePrincipal): string[] {
  const own = filesUnder(`apps/${service}/src`, /\.config\.ts$/);
  const shared = ['libs/platform/src/config/base-service.config.ts', 'libs/messaging/src/messaging.config.ts'];
  if (/ServiceAuthModule\.forRoot\(\{[^}]*calls: true/.test(source(`apps/${service}/src/app.module.ts`))) shared.push('libs/platform/src/service-auth/service-calls.config.ts');
  if (encryptsData(service)) shared.push('libs/platform/src/crypto/data-encryption.config.ts');
  return [...own, ...shared];
}

/** Services that keep personal data encrypted: their main.ts validates the data keys at boot. */
function encryptsData(service: string): boolean {
  return source(`apps/${service}/src/main.ts`).includes('loadConfig(DataEncryptionConfig)');
}

/** Values good enough for a validator that only needs a secret to be there (the manifests hold no value). */
function withSecretPlaceholders(env: ReadonlyMap<string, EnvSource>): Record<string, string> {
  const values = literalEnv(env);
  for (const [name, from] of env) if (from.kind === 'secret') values[name] = 'placeholder-for-a-secret-of-kubernetes-0123456789';
  return values;
}

/** Where a container has `path`: in a mounted volume (and, for a volume of listed items, one of them), or a folder of mounts. */
function pathProblem(pod: IPodSpec, container: IContainer, path: string): string | undefined {
  const mounts = container.volumeMounts ?? [];
  const mount = mounts.find((candidate) => path === candidate.mountPath || path.startsWith(`${candidate.mountPath}/`));
  if (!mount) return mounts.some((candidate) => candidate.mountPath.startsWith(`${path}/`)) ? undefined : `${path} is in no mounted volume`;
  if (path === mount.mountPath) return undefined;
  const volume = pod.volumes?.find((candidate) => candidate.name === mount.name);
  const items = [
    ...(volume?.secret?.items ?? []),
    ...(volume?.configMap?.items ?? []),
    ...(volume?.projected?.sources ?? []).flatMap((projection) => [...(projection.secret?.items ?? []), ...(projection.configMap?.items ?? [])]),
  ];
  const listsItems = volume?.secret?.items !== undefined || volume?.configMap?.items !== undefined || volume?.projected !== undefined;
  const inside = relative(mount.mountPath, path);
  return !listsItems || items.some((item) => item.path === inside || inside.startsWith(`${item.path}/`)) ? undefined : `${path}: volume ${mount.name} has no item ${inside}`;
}

describe.each(overlayNames())('the settings of the %s overlay', (overlay) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = buildOverlay(overlay);
  }, BUILD_TIMEOUT_MS);

  const envOf = (workload: K8sObject): Map<string, EnvSource> => environmentOf(objects, containerOf(workload));

  it.each(SERVICES)('set every variable the config classes of %s require', (service) => {
    const env = envOf(findObject(objects, 'Deployment', service));
    const missing = configFilesOf(service).flatMap((file) => requiredVariables(file).filter((name) => !env.has(name)).map((name) => `${name} (${file})`));
    expect(missing).toEqual([]);
  });

  it.each(SERVICES)("give %s values its platform config classes accept, with NODE_ENV=production", (service) => {
    const env = withSecretPlaceholders(envOf(findObject(objects, 'Deployment', service)));
    expect(env['NODE_ENV']).toBe('production');
    const problems: string[] = [];
    const schemas: (new () => object)[] = [BaseServiceConfig, MessagingConfig];
    if (configFilesOf(service).includes('libs/platform/src/service-auth/service-calls.config.ts')) schemas.push(ServiceCallsConfig);
    for (const schema of schemas) {
      try {
        loadConfig(schema, env);
      } catch (error) {
        problems.push(`${schema.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('mount every file and folder a setting names (the CAs, key folders, the registry, the JWKS)', () => {
    const problems: string[] = [];
    for (const workload of objects.filter((object) => podSpecOf(object) !== undefined)) {
      const pod = podSpecOf(workload) as IPodSpec;
      const container = containerOf(workload);
      for (const [name, value] of Object.entries(literalEnv(envOf(workload)))) {
        const paths = value.startsWith('/') ? [value] : name === 'DATABASE_URL' ? [new URL(value).searchParams.get('sslrootcert') ?? ''] : [];
        for (const path of paths) {
          const problem = path === '' ? `${name} names no CA file` : pathProblem(pod, container, path);
          if (problem) problems.push(`${workload.kind}/${workload.metadata.name} ${name}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("connect each Kafka client as its KafkaUser, over the Kafka cluster's TLS listener with SCRAM-SHA-512", () => {
    const [kafka] = objectsOfKind(objects, 'Kafka');
    const listener = (kafka['spec'] as { kafka: { listeners: { name: string; port: number; tls: boolean; authentication?: { type: string } }[] } }).kafka.listeners.find((candidate) => candidate.tls);
    expect(listener?.authentication?.type).toBe('scram-sha-512');
    for (const workload of objectsOfKind(objects, 'Deployment')) {
      const env = envOf(workload);
      const values = literalEnv(env);
      const user = values['KAFKA_SASL_USERNAME'];
      findObject(objects, 'KafkaUser', user);
      expect(env.get('KAFKA_SASL_PASSWORD')).toEqual({ kind: 'secret', secret: user, key: 'password', optional: false });
      expect(values).toEqual(
        expect.objectContaining({ KAFKA_BROKERS: `${kafka.metadata.name}-kafka-bootstrap:${listener?.port}`, KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512' }),
      );
      const caVolume = podSpecOf(workload)?.volumes?.find((volume) => volume.secret?.secretName === `${kafka.metadata.name}-cluster-ca-cert`);
      const caMount = containerOf(workload).volumeMounts?.find((mount) => mount.name === caVolume?.name);
      expect(values['KAFKA_TLS_CA_FILE']).toBe(`${caMount?.mountPath}/ca.crt`);
    }
  });

  it('give the record signers their signing key and the verifiers the platform JWKS (docs/message-signing.md)', () => {
    const verifiers = SERVICES.filter((service) => (SERVICE_SUBSCRIPTIONS[service]?.topics ?? []).some(isSignedTopicAddress));
    for (const service of SERVICES) {
      const env = envOf(findObject(objects, 'Deployment', service));
      const signs = signingServices().includes(service);
      expect([service, 'MESSAGE_SIGNING_KEY', env.get('MESSAGE_SIGNING_KEY')?.kind]).toEqual([service, 'MESSAGE_SIGNING_KEY', signs ? 'secret' : undefined]);
      expect([service, 'MESSAGE_SIGNING_KEY_ID', env.get('MESSAGE_SIGNING_KEY_ID')?.kind]).toEqual([service, 'MESSAGE_SIGNING_KEY_ID', signs ? 'secret' : undefined]);
      expect([service, 'MESSAGE_TRUSTED_KEYS_FILE', env.has('MESSAGE_TRUSTED_KEYS_FILE')]).toEqual([service, 'MESSAGE_TRUSTED_KEYS_FILE', verifiers.includes(service)]);
    }
  });

  it('give the data keys, from Secrets, to the services that encrypt and to the migrate Jobs that need them', () => {
    const dataKeys = ['DATA_ENCRYPTION_KEYS', 'DATA_ENCRYPTION_ACTIVE_KEY_ID', 'DATA_LOOKUP_KEY'];
    for (const service of SERVICES) {
      const serviceEnv = envOf(findObject(objects, 'Deployment', service));
      const jobEnv = envOf(findObject(objects, 'Job', `${service}-migrate`));
      const jobNeedsKeys = /needsDataKeys:\s*true/.test(source(`apps/${service}/src/migrate.ts`));
      for (const name of dataKeys) {
        expect([service, name, serviceEnv.get(name)?.kind]).toEqual([service, name, encryptsData(service) ? 'secret' : undefined]);
        expect([`${service}-migrate`, name, jobEnv.get(name)?.kind]).toEqual([`${service}-migrate`, name, jobNeedsKeys ? 'secret' : undefined]);
      }
    }
  });
});

describe('the database URL of the manifests', () => {
  // The URL in the ConfigMaps holds no password: node-postgres takes PGPASSWORD (from the role's
  // Secret) when the URL has none, as TypeORM passes it on (an empty password beside the URL).
  it('gets its password from PGPASSWORD and verifies the server against the CA file', () => {
    const url = literalEnv(environmentOf(buildOverlay('production'), containerOf(findObject(buildOverlay('production'), 'Deployment', 'payments'))))['DATABASE_URL'];
    const dir = mkdtempSync(join(tmpdir(), 'kirim-pg-ca-'));
    const saved = process.env['PGPASSWORD'];
    try {
      writeFileSync(join(dir, 'ca.crt'), 'a CA certificate');
      const local = new URL(url);
      local.searchParams.set('sslrootcert', join(dir, 'ca.crt'));
      process.env['PGPASSWORD'] = 'from-the-secret';
      // pg's own parameter resolution, which its Client uses (not exported from pg's index).
      const ConnectionParameters = require('pg/lib/connection-parameters') as new (config: object) => { password: string; user: string; database: string; ssl: { ca?: string; rejectUnauthorized?: boolean } };
      const parameters = new ConnectionParameters({ connectionString: local.toString(), password: '' });
      expect(parameters.password).toBe('from-the-secret');
      expect([parameters.user, parameters.database]).toEqual(['kirim_payments', 'kirim_payments']);
      expect(parameters.ssl.ca).toBe('a CA certificate');
      expect(parameters.ssl.rejectUnauthorized).not.toBe(false);
    } finally {
      if (saved === undefined) delete process.env['PGPASSWORD'];
      else process.env['PGPASSWORD'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  }, BUILD_TIMEOUT_MS);
});
