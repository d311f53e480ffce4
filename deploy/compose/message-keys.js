#!/usr/bin/env node
/**
 * Record signing keys and bank-connector's encryption key for the compose stack (docs/message-signing.md), run by the `message-keygen`
 * service of docker-compose.yml with the node of a kirim image:
 *
 *   node message-keys.js [--owner <uid>:<gid>] <jwks-dir> <kid>=<key-dir> [<kid>=<key-dir> ...]
 *        [--encryption <kid>=<key-dir> ...]
 *
 * For each `<kid>` (`<service>:<label>`, the service's MESSAGE_SIGNING_KEY_ID) it keeps, or makes
 * once, an Ed25519 key in `<key-dir>/<service>.pem` (PKCS#8, 0600) with its kid in
 * `<key-dir>/<service>.kid`, the same files deploy/local/message-keys.ts makes for the local stack.
 * It then writes `<jwks-dir>/platform.jwks.json`, the public keys of all of them: the file every
 * verifier names in MESSAGE_TRUSTED_KEYS_FILE and the example partner bank in KIRIM_PLATFORM_JWKS.
 * A key whose recorded kid differs from the one asked for is replaced by a new key (changing the kid
 * in docker-compose.yml is how to get a new key; records still in flight under the old one are refused).
 *
 * For each `--encryption <kid>` (`bank-connector:<label>`) it keeps, or makes once, an X25519 key in
 * `<key-dir>/<label>.pem` with `<key-dir>/current.kid`, the layout of deploy/local/message-keys.ts
 * (the service's MESSAGE_DECRYPTION_KEYS_DIR), and lists its public half in the JWKS (`use: "enc"`):
 * partner banks encrypt holder names for it. A new kid replaces the key (and deletes the old one:
 * answers a bank encrypted for it are then refused, as in-flight records are for a signing key).
 *
 * Why a script of its own: deploy/local/message-keys.ts is TypeScript and outside every image, and the
 * images hold only the Nx build output and production node_modules. This file needs node:crypto only,
 * so it runs on the images' node as it is. deploy/compose/message-keys.spec.ts runs it and loads its
 * output with the services' own code (@kirim/contracts, @kirim/messaging).
 *
 * Private keys are never printed; only kids are.
 */
'use strict';

const { createPrivateKey, createPublicKey, generateKeyPairSync } = require('node:crypto');
const { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/** The platform key id format of libs/contracts/src/trust/message-keys.ts: the kid names its owner. */
const PLATFORM_KID = /^([a-z][a-z0-9-]*):([A-Za-z0-9._-]{1,64})$/;
const JWKS_FILE = 'platform.jwks.json';
const USAGE = 'usage: message-keys.js [--owner <uid>:<gid>] <jwks-dir> <kid>=<key-dir> [<kid>=<key-dir> ...] [--encryption <kid>=<key-dir> ...]';

function parseArgs(argv) {
  const args = [...argv];
  let owner;
  if (args[0] === '--owner') {
    const match = /^(\d+):(\d+)$/.exec(args[1] || '');
    if (!match) throw new Error(`--owner must be <uid>:<gid>\n${USAGE}`);
    owner = { uid: Number(match[1]), gid: Number(match[2]) };
    args.splice(0, 2);
  }
  const [jwksDir, ...rest] = args;
  const pairs = [];
  const encryptionPairs = [];
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '--encryption') encryptionPairs.push(rest[(i += 1)] || '');
    else pairs.push(rest[i]);
  }
  if (!jwksDir || pairs.length === 0) throw new Error(USAGE);
  const keyOf = (pair) => {
    const i = pair.indexOf('=');
    const kid = i < 0 ? '' : pair.slice(0, i);
    const dir = i < 0 ? '' : pair.slice(i + 1);
    const match = PLATFORM_KID.exec(kid);
    if (!match || !dir) throw new Error(`not <service>:<label>=<key-dir>: ${JSON.stringify(pair)}\n${USAGE}`);
    return { kid, service: match[1], label: match[2], dir };
  };
  const keys = pairs.map(keyOf);
  const encryptionKeys = encryptionPairs.map(keyOf);
  for (const list of [keys, encryptionKeys]) {
    const services = list.map((key) => key.service);
    const twice = services.find((service, i) => services.indexOf(service) !== i);
    if (twice) throw new Error(`${twice} is given two keys of a kind`);
  }
  return { owner, jwksDir, keys, encryptionKeys };
}

/** Written under a temporary name and renamed, so a crash never leaves half a key. */
function writeFile(path, text, mode, owner) {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode });
  chmodSync(temporary, mode);
  if (owner) chownSync(temporary, owner.uid, owner.gid);
  renameSync(temporary, path);
}

function ensureDir(dir, mode, owner) {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, mode);
  if (owner) chownSync(dir, owner.uid, owner.gid);
}

/** The service's key, made when missing or recorded under another kid; returns its public JWK. */
function ensureKey({ kid, service, dir }, owner) {
  // The key directory holds a secret: only its owner (the service's user) may list or read it.
  ensureDir(dir, 0o700, owner);
  const pemFile = join(dir, `${service}.pem`);
  const kidFile = join(dir, `${service}.kid`);
  const recordedKid = existsSync(kidFile) ? readFileSync(kidFile, 'utf8').trim() : undefined;
  if (!existsSync(pemFile) || recordedKid !== kid) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFile(pemFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600, owner);
    writeFile(kidFile, `${kid}\n`, 0o644, owner);
    console.log(`${service}: new record signing key ${kid}${recordedKid ? ` (replaces ${recordedKid})` : ''}`);
  } else {
    if (owner) {
      chownSync(pemFile, owner.uid, owner.gid);
      chownSync(kidFile, owner.uid, owner.gid);
    }
    console.log(`${service}: kept record signing key ${kid}`);
  }
  const privateKey = createPrivateKey(readFileSync(pemFile, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${pemFile} is not an Ed25519 key; remove it to have a new one made`);
  const { kty, crv, x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' };
}

/** The service's encryption key, made when missing or recorded under another kid; returns its public JWK. */
function ensureEncryptionKey({ kid, service, label, dir }, owner) {
  ensureDir(dir, 0o700, owner);
  const pemFile = join(dir, `${label}.pem`);
  const kidFile = join(dir, 'current.kid');
  const recordedKid = existsSync(kidFile) ? readFileSync(kidFile, 'utf8').trim() : undefined;
  if (!existsSync(pemFile) || recordedKid !== kid) {
    const { privateKey } = generateKeyPairSync('x25519');
    writeFile(pemFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600, owner);
    writeFile(kidFile, `${kid}\n`, 0o644, owner);
    // One key at a time here: the one named in docker-compose.yml (rotation with two: deploy/local/message-keys.ts).
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.pem') && file !== `${label}.pem`) rmSync(join(dir, file));
    }
    console.log(`${service}: new encryption key ${kid}${recordedKid ? ` (replaces ${recordedKid})` : ''}`);
  } else {
    if (owner) {
      chownSync(pemFile, owner.uid, owner.gid);
      chownSync(kidFile, owner.uid, owner.gid);
    }
    console.log(`${service}: kept encryption key ${kid}`);
  }
  const privateKey = createPrivateKey(readFileSync(pemFile, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'x25519') throw new Error(`${pemFile} is not an X25519 key; remove it to have a new one made`);
  const { kty, crv, x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return { kty, crv, x, kid, alg: 'ECDH-ES', use: 'enc' };
}

function main() {
  const { owner, jwksDir, keys, encryptionKeys } = parseArgs(process.argv.slice(2));
  const jwks = { keys: [...keys.map((key) => ensureKey(key, owner)), ...encryptionKeys.map((key) => ensureEncryptionKey(key, owner))] };
  // Public keys only: readable by every service that mounts the directory.
  ensureDir(jwksDir, 0o755, owner);
  writeFile(join(jwksDir, JWKS_FILE), `${JSON.stringify(jwks, null, 2)}\n`, 0o644, owner);
  console.log(`platform JWKS ${join(jwksDir, JWKS_FILE)}: ${jwks.keys.map((key) => key.kid).join(', ')}`);
}

try {
  main();
} catch (error) {
  console.error(`message-keys: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
