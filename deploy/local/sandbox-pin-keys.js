#!/usr/bin/env node
/**
 * The sandbox banks' UPI PIN keys (docs/upi-pin.md), one folder per sandbox bank (flat, so that one
 * Kubernetes Secret per bank carries it):
 * - an X25519 key pair, which devices encrypt PINs for (bank-connector publishes the public half at
 *   GET /v1/banks) and only bank-connector's sandbox banks decrypt with: <kid>.pem and current.kid;
 * - the PIN verification keys its stored PIN hashes are made with (HMAC-SHA256, 32 random bytes
 *   each): pin-verification.keys, one `<keyId> <key, base64url>` per line, oldest first, the last
 *   line current (parsePinVerificationKeys in libs/contracts/src/trust/upi-pin-hash.ts).
 * Used by scripts/stack.sh (into .local/keys/sandbox-pin) and by the `sandbox-pin-keygen` service of
 * docker-compose.yml (into a volume only bank-connector mounts), on every start: `ensure` adds what
 * an older folder lacks and changes nothing else.
 *
 *   node deploy/local/sandbox-pin-keys.js [--owner <uid>:<gid>] ensure <dir> <BANK> [<BANK> ...]
 *       makes what each bank lacks: <dir>/<BANK>/<kid>.pem (PKCS#8, 0600) and <dir>/<BANK>/current.kid
 *       naming the key devices are given; <dir>/<BANK>/pin-verification.keys (0600) with one key.
 *   node deploy/local/sandbox-pin-keys.js rotate <dir> <BANK>
 *       a new PIN key becomes current; the old private key stays, so PIN blocks made for it shortly
 *       before still open. Restart bank-connector to publish the new key.
 *   node deploy/local/sandbox-pin-keys.js retire <dir> <BANK> <kid>
 *       deletes an old (not current) private key, once no device can still hold it: the key list's
 *       cache lifetime plus the PIN block's lifetime (PIN_BLOCK_MAX_AGE_SECONDS) after the rotation.
 *   node deploy/local/sandbox-pin-keys.js rotate-verification <dir> <BANK>
 *       appends a new PIN verification key, which becomes current: new PINs are hashed under it, and
 *       stored hashes move to it on their next right PIN. Restart bank-connector to use it.
 *   node deploy/local/sandbox-pin-keys.js retire-verification <dir> <BANK> <keyId>
 *       removes an old (not current) PIN verification key, once no stored hash names it
 *       (docs/upi-pin.md: a PIN still hashed under it could not be checked, only reset).
 *
 * Plain JavaScript on node:crypto only, so it runs on a kirim image's node as it is (like
 * deploy/compose/message-keys.js). Private and secret keys are never printed; only their ids are.
 */
'use strict';

const { generateKeyPairSync, randomBytes } = require('node:crypto');
const { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const BANK_CODE = /^[A-Z]{4}$/;
const KID = /^[A-Z]{4}-pin-[0-9A-Za-z]{1,32}$/;
const VERIFICATION_KEY_ID = /^[A-Z]{4}-pvk-[0-9A-Za-z]{1,32}$/;
const VERIFICATION_KEYS_FILE = 'pin-verification.keys';
const COMMANDS = ['ensure', 'rotate', 'retire', 'rotate-verification', 'retire-verification'];
const USAGE =
  'usage: sandbox-pin-keys.js [--owner <uid>:<gid>] ensure <dir> <BANK>... | rotate <dir> <BANK> | retire <dir> <BANK> <kid>' +
  ' | rotate-verification <dir> <BANK> | retire-verification <dir> <BANK> <keyId>';

function label(now) {
  return now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
}

function currentKid(bankDir) {
  const file = join(bankDir, 'current.kid');
  if (!existsSync(file)) return null;
  const kid = readFileSync(file, 'utf8').trim();
  return KID.test(kid) && existsSync(join(bankDir, `${kid}.pem`)) ? kid : null;
}

function newKey(bankDir, bank, owner) {
  mkdirSync(bankDir, { recursive: true, mode: 0o700 });
  let kid = `${bank}-pin-${label(new Date())}`;
  // Two rotations within a second must not reuse a kid.
  for (let n = 2; existsSync(join(bankDir, `${kid}.pem`)); n += 1) kid = `${bank}-pin-${label(new Date())}${n}`;
  const { privateKey } = generateKeyPairSync('x25519');
  const pem = join(bankDir, `${kid}.pem`);
  writeFileSync(pem, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chmodSync(pem, 0o600);
  writeFileSync(join(bankDir, 'current.kid'), `${kid}\n`);
  if (owner) {
    for (const file of [bankDir, pem, join(bankDir, 'current.kid')]) chownSync(file, owner.uid, owner.gid);
  }
  return kid;
}

/** The key lines of pin-verification.keys, in order (the last is current); [] when there is no file. */
function verificationKeyLines(bankDir) {
  const file = join(bankDir, VERIFICATION_KEYS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function writeVerificationKeys(bankDir, lines, owner) {
  // Written aside and renamed: a crash never leaves the bank without the keys its hashes need.
  const file = join(bankDir, VERIFICATION_KEYS_FILE);
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, lines.map((line) => `${line}\n`).join(''), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  if (owner) chownSync(temporary, owner.uid, owner.gid);
  renameSync(temporary, file);
}

function newVerificationKey(bankDir, bank, owner) {
  mkdirSync(bankDir, { recursive: true, mode: 0o700 });
  const lines = verificationKeyLines(bankDir);
  const ids = new Set(lines.map((line) => line.split(/\s+/)[0]));
  let keyId = `${bank}-pvk-${label(new Date())}`;
  for (let n = 2; ids.has(keyId); n += 1) keyId = `${bank}-pvk-${label(new Date())}${n}`;
  writeVerificationKeys(bankDir, [...lines, `${keyId} ${randomBytes(32).toString('base64url')}`], owner);
  if (owner) chownSync(bankDir, owner.uid, owner.gid);
  return keyId;
}

function currentVerificationKeyId(bankDir) {
  const lines = verificationKeyLines(bankDir);
  return lines.length === 0 ? null : lines[lines.length - 1].split(/\s+/)[0];
}

function main(argv) {
  const args = [...argv];
  let owner;
  if (args[0] === '--owner') {
    const match = /^(\d+):(\d+)$/.exec(args[1] || '');
    if (!match) throw new Error(`--owner must be <uid>:<gid>\n${USAGE}`);
    owner = { uid: Number(match[1]), gid: Number(match[2]) };
    args.splice(0, 2);
  }
  const [command, dir, ...rest] = args;
  if (!dir || !COMMANDS.includes(command)) throw new Error(USAGE);
  for (const bank of command.startsWith('retire') ? rest.slice(0, 1) : rest) {
    if (!BANK_CODE.test(bank)) throw new Error(`not a bank code: ${JSON.stringify(bank)}\n${USAGE}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dir, owner.uid, owner.gid);
  if (command === 'ensure') {
    if (rest.length === 0) throw new Error(USAGE);
    for (const bank of rest) {
      const bankDir = join(dir, bank);
      const kid = currentKid(bankDir) || newKey(bankDir, bank, owner);
      // A folder made before PIN verification keys existed gets one here, on the next start.
      const keyId = currentVerificationKeyId(bankDir) || newVerificationKey(bankDir, bank, owner);
      console.log(`${bank}: ${kid}, PIN verification ${keyId}`);
    }
  } else if (command === 'rotate') {
    const [bank] = rest;
    console.log(`${bank}: ${newKey(join(dir, bank), bank, owner)} (the previous key still opens PIN blocks until retired)`);
  } else if (command === 'rotate-verification') {
    const [bank] = rest;
    console.log(`${bank}: PIN verification ${newVerificationKey(join(dir, bank), bank, owner)} (stored hashes under the older keys move to it on their next right PIN)`);
  } else if (command === 'retire-verification') {
    const [bank, keyId] = rest;
    const bankDir = join(dir, bank);
    if (!VERIFICATION_KEY_ID.test(keyId || '')) throw new Error(`not a PIN verification key id: ${JSON.stringify(keyId)}`);
    if (currentVerificationKeyId(bankDir) === keyId) throw new Error(`${keyId} is the current PIN verification key of ${bank}; rotate-verification first`);
    const lines = verificationKeyLines(bankDir);
    const left = lines.filter((line) => line.split(/\s+/)[0] !== keyId);
    if (left.length === lines.length) throw new Error(`${bank} has no PIN verification key ${keyId}`);
    writeVerificationKeys(bankDir, left, owner);
    console.log(`${bank}: retired PIN verification ${keyId}; keys left: ${left.map((line) => line.split(/\s+/)[0]).join(', ')}`);
  } else {
    const [bank, kid] = rest;
    const bankDir = join(dir, bank);
    if (!KID.test(kid || '')) throw new Error(`not a PIN key id: ${JSON.stringify(kid)}`);
    if (currentKid(bankDir) === kid) throw new Error(`${kid} is the current key of ${bank}; rotate first`);
    rmSync(join(bankDir, `${kid}.pem`), { force: true });
    console.log(`${bank}: retired ${kid}; keys left: ${readdirSync(bankDir).filter((name) => name.endsWith('.pem')).map((name) => name.slice(0, -4)).join(', ')}`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`sandbox-pin-keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

module.exports = { main };
