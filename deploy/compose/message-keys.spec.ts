/**
 * Runs deploy/compose/message-keys.js as docker-compose.yml's message-keygen runs it, with each named
 * volume a temporary folder, then starts the signing configuration of payments and bank-connector
 * exactly as they read it at boot (the environment compose gives them, the key their entrypoint reads
 * from the volume) and sends a record each way. What Docker would add — the volumes themselves,
 * file ownership, the images' node — is not exercised here (no Docker engine on the project's machines).
 *
 * Unlike the other deploy tests this one writes files: a temporary folder, removed afterwards.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { KafkaMessage, Message } from 'kafkajs';
import {
  encryptHolderName,
  EVENT_SOURCES,
  EVENT_TYPES,
  JSONWebKeySetLike,
  PlatformDecryptionKeys,
  platformEncryptionKeyOf,
  SERVICE_SUBSCRIPTIONS,
  ServicePrincipal,
  servicePrincipalOf,
  TOPICS,
} from '@kirim/contracts';
import { createRecordSigner, createRecordVerifier, encodeCloudEvent, MessageTrustConfig, RecordSigner, RecordVerifier } from '@kirim/messaging';
import { loadConfig } from '@kirim/platform';
import { signingServices } from '../local/message-keys';
import { ComposeService, dockerfileOf, envOf, interpolated, loadCompose, locate, messageKeygenPlan, REPO_ROOT, runtimeEnvOf, variablesFromFiles } from './compose-file';

const compose = loadCompose();
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const keygen = service('message-keygen');
const plan = messageKeygenPlan(keygen);

let root: string;

/** Where a path inside a container of `svc` lives here: a volume is a folder under `root`, a bind mount the repository's file. */
function hostPath(svc: ComposeService, containerPath: string): string {
  const found = locate(svc, containerPath);
  if (!found) throw new Error(`${containerPath} is on no volume: it would be the image's own file`);
  return found.mount.type === 'bind' ? join(REPO_ROOT, found.mount.source, found.subpath) : join(root, 'volumes', found.mount.source, found.subpath);
}

/** Runs message-keygen's command; `--owner` only when we may chown (as root, like the container). */
function runKeygen(kids: Record<string, string> = {}): { status: number | null; output: string } {
  const asRoot = process.getuid?.() === 0;
  const args = [
    hostPath(keygen, plan.script),
    ...(asRoot && plan.owner ? ['--owner', plan.owner] : []),
    hostPath(keygen, plan.jwksDir),
    ...plan.keys.map((key) => `${kids[key.service] ?? key.kid}=${hostPath(keygen, key.dir)}`),
    ...plan.encryptionKeys.flatMap((key) => ['--encryption', `${kids[`${key.service} encryption`] ?? key.kid}=${hostPath(keygen, key.dir)}`]),
  ];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function sourceOf(principal: string): string {
  const source = Object.values(EVENT_SOURCES).find((candidate) => servicePrincipalOf(candidate) === principal);
  if (!source) throw new Error(`no CloudEvents source for ${principal}`);
  return source;
}

/** The environment the service's process starts with in compose: its image's ENV, `environment`, and what its entrypoint reads from files. */
function processEnv(name: string): NodeJS.ProcessEnv {
  const svc = service(name);
  const env: NodeJS.ProcessEnv = { ...runtimeEnvOf(dockerfileOf(svc)) };
  for (const [key, value] of Object.entries(envOf(svc))) env[key] = interpolated(value);
  for (const [key, path] of Object.entries(variablesFromFiles(svc))) env[key] = readFileSync(hostPath(svc, path), 'utf8').replace(/\n$/, '');
  // The JWKS path is opened by the process: point it at the same file here.
  if (env['MESSAGE_TRUSTED_KEYS_FILE']) env['MESSAGE_TRUSTED_KEYS_FILE'] = hostPath(svc, env['MESSAGE_TRUSTED_KEYS_FILE']);
  return env;
}

async function trustOf(name: string): Promise<{ signer: RecordSigner; verifier: RecordVerifier | undefined }> {
  const config = loadConfig(MessageTrustConfig, processEnv(name));
  const subscription = SERVICE_SUBSCRIPTIONS[name as ServicePrincipal];
  // kirim's own topics only: partner banks' keys come from the registry (checked in compose.spec.ts).
  const topics = (subscription?.topics ?? []).filter((topic) => (Object.values(TOPICS) as string[]).includes(topic));
  const options = { source: sourceOf(name), ...(subscription ? { consumer: { groupId: subscription.groupId, topics } } : {}) };
  return { signer: createRecordSigner(config, options), verifier: await createRecordVerifier(config, options) };
}

function consumed(message: Message): KafkaMessage {
  const headers: KafkaMessage['headers'] = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = Buffer.from(String(value));
  return { key: Buffer.from(String(message.key)), value: Buffer.from(String(message.value)), headers, offset: '0', timestamp: '0', attributes: 0 } as KafkaMessage;
}

function record(type: string, source: string): Message {
  const paymentId = randomUUID();
  return encodeCloudEvent({ id: randomUUID(), type, source, time: new Date(), key: paymentId, data: { requestId: randomUUID(), paymentId } });
}

describe('deploy/compose/message-keys.js, run as message-keygen runs it', () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kirim-compose-keys-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('makes a key for each signing service and the platform JWKS', () => {
    const run = runKeygen();
    expect(run).toEqual({ status: 0, output: expect.stringContaining('platform JWKS') });
    expect(plan.keys.map((key) => key.service).sort()).toEqual(signingServices());
    for (const key of plan.keys) {
      const pem = statSync(hostPath(keygen, posix.join(key.dir, `${key.service}.pem`)));
      expect(pem.mode & 0o777).toBe(0o600);
      // As root (the container's user), the files go to the services' user; otherwise they stay ours.
      if (process.getuid?.() === 0) expect(`${pem.uid}:${pem.gid}`).toBe(plan.owner);
      expect(readFileSync(hostPath(keygen, posix.join(key.dir, `${key.service}.kid`)), 'utf8').trim()).toBe(key.kid);
    }
    const jwks = JSON.parse(readFileSync(hostPath(keygen, posix.join(plan.jwksDir, 'platform.jwks.json')), 'utf8')) as { keys: Record<string, unknown>[] };
    const signing = jwks.keys.filter((key) => key['use'] === 'sig');
    expect(signing.map((key) => key['kid']).sort()).toEqual(plan.keys.map((key) => key.kid).sort());
    for (const key of signing) {
      expect(key).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: expect.any(String), alg: 'EdDSA', use: 'sig' });
    }
    // bank-connector's encryption key: the private half in its own folder, the public half listed with use "enc".
    expect(plan.encryptionKeys.map((key) => key.service)).toEqual(['bank-connector']);
    const encryption = jwks.keys.filter((key) => key['use'] === 'enc');
    expect(encryption).toEqual(plan.encryptionKeys.map((key) => ({ kty: 'OKP', crv: 'X25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: key.kid, alg: 'ECDH-ES', use: 'enc' })));
    expect(jwks.keys).toHaveLength(signing.length + encryption.length);
    for (const key of plan.encryptionKeys) {
      const label = key.kid.slice(key.service.length + 1);
      expect(statSync(hostPath(keygen, posix.join(key.dir, `${label}.pem`))).mode & 0o777).toBe(0o600);
      expect(readFileSync(hostPath(keygen, posix.join(key.dir, 'current.kid')), 'utf8').trim()).toBe(key.kid);
    }
    // Nothing secret is printed.
    expect(run.output).not.toMatch(/PRIVATE KEY/);
  });

  it.each(signingServices())('gives %s a configuration it starts with: its key, its kid, and the keys of the services it verifies', async (name) => {
    expect(processEnv(name)['NODE_ENV']).toBe('production'); // from the image: signatures cannot be off
    const { signer, verifier } = await trustOf(name);
    expect(signer.enabled).toBe(true);
    expect(verifier).toBeDefined();
  });

  it("lets bank-connector verify payments' requests and payments verify bank-connector's answers, and nothing forged", async () => {
    const payments = await trustOf('payments');
    const connector = await trustOf('bank-connector');
    const request = await payments.signer.sign(TOPICS.BANK_REQUESTS, record(EVENT_TYPES.BANK_DEBIT_REQUESTED, EVENT_SOURCES.PAYMENTS));
    const answer = await connector.signer.sign(TOPICS.BANK_RESPONSES, record(EVENT_TYPES.BANK_DEBIT_SUCCEEDED, EVENT_SOURCES.BANK_CONNECTOR));
    await expect(connector.verifier?.check(TOPICS.BANK_REQUESTS, consumed(request))).resolves.toBeNull();
    await expect(payments.verifier?.check(TOPICS.BANK_RESPONSES, consumed(answer))).resolves.toBeNull();
    // An answer signed with payments' key is not bank-connector's.
    const forged = await payments.signer.sign(TOPICS.BANK_RESPONSES, record(EVENT_TYPES.BANK_DEBIT_SUCCEEDED, EVENT_SOURCES.BANK_CONNECTOR));
    await expect(payments.verifier?.check(TOPICS.BANK_RESPONSES, consumed(forged))).resolves.toMatch(/not a trusted key of bank-connector/);
  });

  it("gives bank-connector the private key of the encryption key partners find in the platform JWKS: a holder name a bank encrypts opens", async () => {
    const env = processEnv('bank-connector');
    const dir = env['MESSAGE_DECRYPTION_KEYS_DIR'];
    expect(dir).toBeDefined();
    const keyDir = hostPath(service('bank-connector'), dir as string);
    const keys = PlatformDecryptionKeys.fromPem(
      'bank-connector',
      readdirSync(keyDir)
        .filter((file) => file.endsWith('.pem'))
        .map((file) => ({ kid: `bank-connector:${file.slice(0, -'.pem'.length)}`, pem: readFileSync(join(keyDir, file), 'utf8') })),
    );
    // What the example partner reads (KIRIM_PLATFORM_JWKS) is the file message-keygen writes.
    const platform = JSON.parse(readFileSync(hostPath(service('example-partner'), envOf(service('example-partner'))['KIRIM_PLATFORM_JWKS'] ?? ''), 'utf8')) as JSONWebKeySetLike;
    const jwe = await encryptHolderName('Asha Rao', await platformEncryptionKeyOf(platform));
    await expect(keys.openHolderName(jwe)).resolves.toEqual({ ok: true, holderName: 'Asha Rao' });
  });

  it('keeps the keys on the next start (made once), and makes a new one only for a changed kid', () => {
    const pemOf = (service: string): string => {
      const key = plan.keys.find((entry) => entry.service === service);
      return readFileSync(hostPath(keygen, posix.join(key?.dir ?? '', `${service}.pem`)), 'utf8');
    };
    const before = Object.fromEntries(plan.keys.map((key) => [key.service, pemOf(key.service)]));
    expect(runKeygen().status).toBe(0);
    for (const key of plan.keys) expect(pemOf(key.service)).toBe(before[key.service]);

    const [first] = plan.keys;
    if (!first) throw new Error('no keys');
    const run = runKeygen({ [first.service]: `${first.service}:rotated-1` });
    expect(run).toEqual({ status: 0, output: expect.stringContaining(`replaces ${first.kid}`) });
    expect(pemOf(first.service)).not.toBe(before[first.service]);
    const [encryption] = plan.encryptionKeys;
    if (!encryption) throw new Error('no encryption key');
    const rotated = runKeygen({ [`${encryption.service} encryption`]: `${encryption.service}:enc-rotated-1` });
    expect(rotated).toEqual({ status: 0, output: expect.stringContaining(`replaces ${encryption.kid}`) });
    expect(readdirSync(hostPath(keygen, encryption.dir)).filter((file) => file.endsWith('.pem'))).toEqual(['enc-rotated-1.pem']);
    expect(runKeygen().status).toBe(0); // back to the kid compose names, for the tests that may follow
  });

  it('refuses a malformed kid without writing anything', () => {
    const run = spawnSync(process.execPath, [hostPath(keygen, plan.script), join(root, 'elsewhere'), `Payments=${join(root, 'elsewhere')}`], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/not <service>:<label>=<key-dir>/);
    expect(existsSync(join(root, 'elsewhere'))).toBe(false);
  });
});
