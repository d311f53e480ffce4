/**
 * Reading docker-compose.yml and deploy/docker/Dockerfile for the static checks (deploy/compose.spec.ts,
 * deploy/compose/message-keys.spec.ts): a service's environment, what its entrypoint sets, which volume
 * or repository file a path inside its container is, and what its image is built from and runs as. No
 * Docker engine is needed (or run).
 */
import { readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface ComposeBuild {
  context?: string;
  dockerfile?: string;
  args?: Record<string, string> | string[];
}
export interface ComposeService {
  image?: string;
  user?: string;
  entrypoint?: string | string[];
  volumes?: string[];
  build?: string | ComposeBuild;
  environment?: Record<string, string> | string[];
  healthcheck?: { test?: string | string[] };
  depends_on?: Record<string, { condition?: string }> | string[];
  ports?: string[];
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readComposeText(): string {
  return readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
}

export function loadCompose(): ComposeFile {
  return parse(readComposeText()) as ComposeFile;
}

/** The service's `environment`, as written (interpolation not applied). */
export function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(
    env.map((entry) => {
      const i = entry.indexOf('=');
      return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
    }),
  );
}

/**
 * A value as compose hands it over when none of the referenced variables is set in the caller's
 * environment: `${VAR:-default}` and `${VAR-default}` become the default, `$$` a single `$`.
 */
export function interpolated(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (match, _name: string | undefined, fallback: string | undefined) =>
    match === '$$' ? '$' : (fallback ?? ''),
  );
}

export function entrypointOf(service: ComposeService): string[] {
  return [service.entrypoint ?? []].flat();
}

/**
 * Variables the entrypoint sets from a file before starting the process, written
 * `NAME="$$(cat /path)"` (a multi-line secret read from a volume): name -> path in the container.
 */
export function variablesFromFiles(service: ComposeService): Record<string, string> {
  const text = entrypointOf(service).join(' ');
  return Object.fromEntries([...text.matchAll(/\b([A-Z][A-Z0-9_]*)="\$\$\(cat ([^)\s]+)\)"/g)].map((match) => [match[1] as string, match[2] as string]));
}

/** Every variable the service's process is given: its environment and what its entrypoint sets. */
export function givenVariables(service: ComposeService): string[] {
  return [...Object.keys(envOf(service)), ...Object.keys(variablesFromFiles(service))];
}

export interface Mount {
  /** `volume`: a named volume of the compose file; `bind`: a path of the repository. */
  readonly type: 'volume' | 'bind';
  /** The volume's name, or the bound path relative to the repository root (`./deploy/...`). */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** The service's volumes (short syntax, the only one this file uses). */
export function mountsOf(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((entry) => {
    const [source = '', target = '', mode] = entry.split(':');
    const type = source.startsWith('.') || source.startsWith('/') ? 'bind' : 'volume';
    return { type, source, target, readOnly: mode === 'ro' };
  });
}

/** Which mount a path inside the container is on (the deepest one), and the path below it. */
export function locate(service: ComposeService, containerPath: string): { mount: Mount; subpath: string } | undefined {
  const path = posix.normalize(containerPath);
  const candidates = mountsOf(service)
    .filter((mount) => path === mount.target || path.startsWith(`${mount.target.replace(/\/$/, '')}/`))
    .sort((a, b) => b.target.length - a.target.length);
  const mount = candidates[0];
  if (!mount) return undefined;
  return { mount, subpath: posix.relative(mount.target, path) };
}

/** `volume:<name>/<subpath>` or `bind:<repo path>/<subpath>`: the same file seen from any container. */
export function storageKey(service: ComposeService, containerPath: string): string | undefined {
  const found = locate(service, containerPath);
  if (!found) return undefined;
  const base = found.mount.type === 'bind' ? posix.normalize(found.mount.source) : found.mount.source;
  return `${found.mount.type}:${posix.join(base, found.subpath)}`;
}

/** `depends_on` as a map (the list form means `service_started`). */
export function dependsOn(service: ComposeService): Record<string, { condition?: string }> {
  const deps = service.depends_on ?? {};
  return Array.isArray(deps) ? Object.fromEntries(deps.map((name) => [name, { condition: 'service_started' }])) : deps;
}

/** The one Dockerfile every kirim image is built from; its build argument SERVICE names the Nx project. */
export const DOCKERFILE = join(REPO_ROOT, 'deploy', 'docker', 'Dockerfile');

function buildOf(service: ComposeService): ComposeBuild {
  return typeof service.build === 'string' ? { context: service.build } : (service.build ?? {});
}

export function dockerfileOf(service: ComposeService): string {
  const build = buildOf(service);
  const context = resolve(REPO_ROOT, build.context ?? '.');
  return resolve(context, build.dockerfile ?? 'Dockerfile');
}

/** The service's build arguments, as written (interpolation not applied). */
export function buildArgsOf(service: ComposeService): Record<string, string> {
  const args = buildOf(service).args ?? {};
  if (!Array.isArray(args)) return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(
    args.map((entry) => {
      const i = entry.indexOf('=');
      return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
    }),
  );
}

/** The Nx project a service's image is built from (deploy/docker/Dockerfile's SERVICE argument). */
export function imageProjectOf(service: ComposeService): string | undefined {
  return buildArgsOf(service)['SERVICE'];
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
export function instructions(dockerfile: string): string[] {
  return readFileSync(dockerfile, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

export interface DockerfileStage {
  /** The stage's name (`FROM … AS <name>`), or its position when it has none. */
  readonly name: string;
  /** Its instructions after the FROM line. */
  readonly lines: readonly string[];
}

/** A Dockerfile's build stages, in order (instructions before the first FROM, global ARGs, belong to none). */
export function stagesOf(dockerfile: string): DockerfileStage[] {
  const stages: { name: string; lines: string[] }[] = [];
  for (const line of instructions(dockerfile)) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[1] ?? String(stages.length), lines: [] });
    else stages[stages.length - 1]?.lines.push(line);
  }
  return stages;
}

/** The user the image runs as: the last USER of its last stage (the runtime image), or undefined (root). */
export function runtimeUserOf(dockerfile: string): string | undefined {
  const users = (stagesOf(dockerfile).pop()?.lines ?? []).filter((line) => /^USER\s/i.test(line));
  return users.pop()?.split(/\s+/)[1];
}

/** The `ENV` of a Dockerfile's last stage (the runtime image), `KEY=value` form. */
export function runtimeEnvOf(dockerfile: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of (stagesOf(dockerfile).pop()?.lines ?? []).filter((l) => /^ENV\s/i.test(l))) {
    for (const match of line.replace(/^ENV\s+/i, '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env[match[1] as string] = (match[2] as string).replace(/^"|"$/g, '');
  }
  return env;
}

/**
 * What the message-keygen service runs: `node <script> [--owner uid:gid] <jwks-dir> <kid>=<key-dir>...
 * [--encryption <kid>=<key-dir>]...` (deploy/compose/message-keys.js): signing keys, then encryption keys.
 */
export interface MessageKeygenPlan {
  readonly script: string;
  readonly owner?: string;
  readonly jwksDir: string;
  readonly keys: readonly { readonly kid: string; readonly service: string; readonly dir: string }[];
  readonly encryptionKeys: readonly { readonly kid: string; readonly service: string; readonly dir: string }[];
}

export function messageKeygenPlan(keygen: ComposeService): MessageKeygenPlan {
  const [command, script, ...args] = entrypointOf(keygen);
  if (command !== 'node' || !script) throw new Error('message-keygen must run `node <script> ...`');
  let owner: string | undefined;
  if (args[0] === '--owner') {
    owner = args[1];
    args.splice(0, 2);
  }
  const [jwksDir, ...rest] = args;
  if (!jwksDir) throw new Error('message-keygen names no JWKS directory');
  const keyOf = (pair: string) => {
    const i = pair.indexOf('=');
    const kid = pair.slice(0, i);
    return { kid, service: kid.split(':')[0] ?? '', dir: pair.slice(i + 1) };
  };
  const keys: MessageKeygenPlan['keys'][number][] = [];
  const encryptionKeys: MessageKeygenPlan['encryptionKeys'][number][] = [];
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '--encryption') encryptionKeys.push(keyOf(rest[(i += 1)] ?? ''));
    else keys.push(keyOf(rest[i] ?? ''));
  }
  return { script, ...(owner === undefined ? {} : { owner }), jwksDir, keys, encryptionKeys };
}

/** What compose prints when a required secret is unset (docker-compose.yml has no default for any). */
export const COMPOSE_SECRET_HINT = 'set it in .env - bash deploy/compose/generate-secrets.sh writes one';

/** A secret as docker-compose.yml writes it: a required variable, `${NAME:?hint}`, never a default. */
export function requiredSecret(name: string): string {
  return `\${${name}:?${COMPOSE_SECRET_HINT}}`;
}

/** The databases of the services and the example partner, each owned by the role of the same name. */
export const SERVICE_DATABASES = ['kirim_identity', 'kirim_payments', 'kirim_bank_connector', 'kirim_notifications', 'kirim_example_partner'] as const;

/** `kirim_bank_connector` -> `KIRIM_POSTGRES_PASSWORD_BANK_CONNECTOR`: the password of the database's role. */
export function rolePasswordVariable(database: string): string {
  return `KIRIM_POSTGRES_PASSWORD_${database.replace(/^kirim_/, '').toUpperCase()}`;
}
