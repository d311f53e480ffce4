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
 * Private keys are written 0600 and never printed. Production keys live in a secret store; the
 * same commands show what a rotation is (docs/message-signing.md).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import {
  EVENT_CATALOGUE,
  generateRecordSigningKeyPair,
  isSignedTopicAddress,
  JsonWebKey,
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
  writeFileSync(join(dir, 'platform.jwks.json'), `${JSON.stringify({ keys }, null, 2)}\n`);
  return keys;
}

export async function ensureKeys(dir: string): Promise<JsonWebKey[]> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const service of signingServices()) {
    if (!existsSync(join(dir, `${service}.pem`)) || !existsSync(join(dir, `${service}.kid`))) await newKey(dir, service);
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

async function main(): Promise<void> {
  const [command, dir, service] = process.argv.slice(2);
  if (!dir || !['ensure', 'rotate', 'retire'].includes(command ?? '')) throw new Error('usage: message-keys.ts ensure|rotate|retire <dir> [service]');
  if (command !== 'ensure' && !signingServices().includes(service ?? '')) throw new Error(`service must be one of: ${signingServices().join(', ')}`);
  if (command === 'rotate') await rotate(dir, service as string);
  if (command === 'retire') await retire(dir, service as string);
  const keys = await ensureKeys(dir);
  console.log(`record signing keys in ${dir}: ${keys.map((key) => key.kid).join(', ')}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`message-keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
