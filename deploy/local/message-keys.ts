/**
 * The record signing keys of the local stack (libs/contracts/src/trust): one Ed25519 key per kirim
 * service that emits signed records, and the platform JWKS every verifier trusts.
 *
 *   node -r ./tools/ts-register.cjs deploy/local/message-keys.ts ensure <dir>
 *       makes a key for each signing service that has none (<service>.pem, <service>.kid) and
 *       rewrites <dir>/platform.jwks.json: the current keys plus those kept in <dir>/previous/.
 *   ... rotate <dir> <service>
 *       step 1 of a rotation: the service's current public key moves to <dir>/previous/ (still
 *       trusted), a new key becomes current. Restart the verifiers first, then the service.
 *   ... retire <dir> <service>
 *       step 2, once records signed with the old key can no longer arrive (MESSAGE_MAX_AGE_MS after
 *       the service restarted with the new key): the old public key leaves the JWKS.
 *
 * bank-connector, the reader of every partner answer, also has an encryption key pair (X25519,
 * kid `bank-connector:enc-<label>`): partner banks encrypt holder names for its public half, which the
 * same platform JWKS lists (`use: "enc"`, the current key last). Its private keys are
 * <dir>/bank-connector-encryption/<label>.pem, with the current kid in current.kid there; that folder
 * is bank-connector's MESSAGE_DECRYPTION_KEYS_DIR.
 *
 *   ... rotate <dir> bank-connector encryption
 *       a new encryption key becomes current (listed last); the old private key stays, so answers
 *       encrypted for it by banks that have not reloaded the JWKS still open. Restart bank-connector.
 *   ... retire <dir> bank-connector encryption
 *       once every bank has reloaded the JWKS (their reload interval, 5 min with the partner kit, plus
 *       the answer time): the old keys leave the JWKS and their private halves are deleted.
 *
 * Private keys are written 0600 and never printed. Production keys live in a secret store; the
 * same commands show what a rotation is (docs/message-signing.md).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import {
  EVENT_CATALOGUE,
  generateEncryptionKeyPair,
  generateRecordSigningKeyPair,
  isSignedTopicAddress,
  JsonWebKey,
  PLATFORM_DECRYPTING_PRINCIPAL,
  platformKeyId,
  principalOfPlatformKeyId,
  servicePrincipalOf,
} from '@kirim/contracts';

/** Services that emit a type travelling on a signed topic, from the catalogue. */
export function signingServices(): string[] {
  const services = Object.values(EVENT_CATALOGUE)
    .filter((spec) => isSignedTopicAddress(spec.topic))
    .map((spec) => servicePrincipalOf(spec.source))
    .filter((service): service is NonNullable<typeof service> => service !== undefined);
  return [...new Set(services)].sort();
}

/** Services partner banks encrypt for: the reader of their answers (libs/contracts/src/trust/platform-encryption.ts). */
export function encryptionServices(): string[] {
  return [PLATFORM_DECRYPTING_PRINCIPAL];
}

/** A service's private encryption keys: its MESSAGE_DECRYPTION_KEYS_DIR. */
export function encryptionKeyDir(dir: string, service: string): string {
  return join(dir, `${service}-encryption`);
}

const ENCRYPTION_KEY_FILE = /^([A-Za-z0-9._-]{1,64})\.pem$/;

function currentEncryptionKid(dir: string, service: string): string | undefined {
  const keyDir = encryptionKeyDir(dir, service);
  const file = join(keyDir, 'current.kid');
  if (!existsSync(file)) return undefined;
  const kid = readFileSync(file, 'utf8').trim();
  const label = kid.slice(service.length + 1);
  return principalOfPlatformKeyId(kid) === service && existsSync(join(keyDir, `${label}.pem`)) ? kid : undefined;
}

async function newEncryptionKey(dir: string, service: string): Promise<string> {
  const keyDir = encryptionKeyDir(dir, service);
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  let label = `enc-${keyLabel(new Date())}`;
  // Two rotations within a second must not reuse a kid.
  for (let n = 2; existsSync(join(keyDir, `${label}.pem`)); n += 1) label = `enc-${keyLabel(new Date())}-${n}`;
  const kid = platformKeyId(service, label);
  const pair = await generateEncryptionKeyPair(kid);
  writeFileSync(join(keyDir, `${label}.pem`), pair.privateKeyPem, { mode: 0o600 });
  chmodSync(join(keyDir, `${label}.pem`), 0o600);
  writeFileSync(join(keyDir, 'current.kid'), `${kid}\n`);
  return kid;
}

/** The public halves of a service's encryption keys: the ones being rotated out first, the current one last. */
async function encryptionJwks(dir: string, service: string): Promise<JsonWebKey[]> {
  const keyDir = encryptionKeyDir(dir, service);
  const current = currentEncryptionKid(dir, service);
  const keys: JsonWebKey[] = [];
  for (const file of readdirSync(keyDir).sort()) {
    const label = ENCRYPTION_KEY_FILE.exec(file)?.[1];
    if (!label) continue;
    const publicKey = createPublicKey(createPrivateKey(readFileSync(join(keyDir, file), 'utf8')));
    keys.push({ ...(await exportJWK(publicKey)), kid: platformKeyId(service, label), alg: 'ECDH-ES', use: 'enc' });
  }
  return [...keys.filter((key) => key.kid !== current), ...keys.filter((key) => key.kid === current)];
}

function keyLabel(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

async function publicJwkOf(pemFile: string, kid: string): Promise<JsonWebKey> {
  const publicKey = createPublicKey(createPrivateKey(readFileSync(pemFile, 'utf8')));
  return { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
}

async function newKey(dir: string, service: string): Promise<void> {
  const kid = platformKeyId(service, keyLabel(new Date()));
  const pair = await generateRecordSigningKeyPair(kid);
  writeFileSync(join(dir, `${service}.pem`), pair.privateKeyPem, { mode: 0o600 });
  chmodSync(join(dir, `${service}.pem`), 0o600);
  writeFileSync(join(dir, `${service}.kid`), `${kid}\n`);
}

async function writePlatformJwks(dir: string): Promise<JsonWebKey[]> {
  const keys: JsonWebKey[] = [];
  for (const service of signingServices()) {
    keys.push(await publicJwkOf(join(dir, `${service}.pem`), readFileSync(join(dir, `${service}.kid`), 'utf8').trim()));
  }
  const previousDir = join(dir, 'previous');
  if (existsSync(previousDir)) {
    for (const file of readdirSync(previousDir).filter((name) => name.endsWith('.jwk.json')).sort()) {
      keys.push(JSON.parse(readFileSync(join(previousDir, file), 'utf8')) as JsonWebKey);
    }
  }
  for (const service of encryptionServices()) keys.push(...(await encryptionJwks(dir, service)));
  writeFileSync(join(dir, 'platform.jwks.json'), `${JSON.stringify({ keys }, null, 2)}\n`);
  return keys;
}

export async function ensureKeys(dir: string): Promise<JsonWebKey[]> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const service of signingServices()) {
    if (!existsSync(join(dir, `${service}.pem`)) || !existsSync(join(dir, `${service}.kid`))) await newKey(dir, service);
  }
  for (const service of encryptionServices()) {
    if (!currentEncryptionKid(dir, service)) await newEncryptionKey(dir, service);
  }
  return writePlatformJwks(dir);
}

async function rotate(dir: string, service: string): Promise<void> {
  await ensureKeys(dir);
  const kid = readFileSync(join(dir, `${service}.kid`), 'utf8').trim();
  mkdirSync(join(dir, 'previous'), { recursive: true });
  writeFileSync(join(dir, 'previous', `${kid.replace(':', '_')}.jwk.json`), `${JSON.stringify(await publicJwkOf(join(dir, `${service}.pem`), kid))}\n`);
  // The old private key signs nothing any more; only its public half stays, for records in flight.
  rmSync(join(dir, `${service}.pem`));
  await newKey(dir, service);
  await writePlatformJwks(dir);
}

async function retire(dir: string, service: string): Promise<void> {
  const previousDir = join(dir, 'previous');
  if (existsSync(previousDir)) {
    for (const file of readdirSync(previousDir)) {
      if (principalOfPlatformKeyId(file.replace('_', ':').split('.')[0]) === service) rmSync(join(previousDir, file));
    }
  }
  await writePlatformJwks(dir);
}

async function rotateEncryption(dir: string, service: string): Promise<void> {
  await ensureKeys(dir);
  await newEncryptionKey(dir, service);
  await writePlatformJwks(dir);
}

/** Deletes every encryption key of `service` but the current one: private halves and, with them, their place in the JWKS. */
async function retireEncryption(dir: string, service: string): Promise<void> {
  const current = currentEncryptionKid(dir, service);
  if (!current) throw new Error(`${service} has no current encryption key; run ensure first`);
  const keyDir = encryptionKeyDir(dir, service);
  for (const file of readdirSync(keyDir)) {
    const label = ENCRYPTION_KEY_FILE.exec(file)?.[1];
    if (label && platformKeyId(service, label) !== current) rmSync(join(keyDir, file));
  }
  await writePlatformJwks(dir);
}

export async function runMessageKeys(args: readonly string[]): Promise<JsonWebKey[]> {
  const [command, dir, service, kind = 'signing'] = args;
  if (!dir || !['ensure', 'rotate', 'retire'].includes(command ?? '') || !['signing', 'encryption'].includes(kind)) {
    throw new Error('usage: message-keys.ts ensure <dir> | rotate|retire <dir> <service> [signing|encryption]');
  }
  const services = kind === 'encryption' ? encryptionServices() : signingServices();
  if (command !== 'ensure' && !services.includes(service ?? '')) throw new Error(`service must be one of: ${services.join(', ')} (${kind} keys)`);
  if (command === 'rotate') await (kind === 'encryption' ? rotateEncryption : rotate)(dir, service as string);
  if (command === 'retire') await (kind === 'encryption' ? retireEncryption : retire)(dir, service as string);
  return ensureKeys(dir);
}

async function main(): Promise<void> {
  const keys = await runMessageKeys(process.argv.slice(2));
  console.log(`message keys in ${process.argv[3]}: ${keys.map((key) => `${key.kid} (${key.use})`).join(', ')}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`message-keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
