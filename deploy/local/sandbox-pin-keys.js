#!/usr/bin/env node
/**
 * The sandbox banks' UPI PIN keys (docs/upi-pin.md): one X25519 key pair per sandbox bank, which
 * devices encrypt PINs for (bank-connector publishes the public half at GET /v1/banks) and only
 * bank-connector's sandbox banks decrypt with. Used by scripts/stack.sh (into .local/keys/sandbox-pin)
 * and by the `sandbox-pin-keygen` service of docker-compose.yml (into a volume only bank-connector mounts).
 *
 *   node deploy/local/sandbox-pin-keys.js [--owner <uid>:<gid>] ensure <dir> <BANK> [<BANK> ...]
 *       makes a key for each bank that has none: <dir>/<BANK>/<kid>.pem (PKCS#8, 0600) and
 *       <dir>/<BANK>/current.kid naming the key devices are given.
 *   node deploy/local/sandbox-pin-keys.js rotate <dir> <BANK>
 *       a new key becomes current; the old private key stays, so PIN blocks made for it shortly
 *       before still open. Restart bank-connector to publish the new key.
 *   node deploy/local/sandbox-pin-keys.js retire <dir> <BANK> <kid>
 *       deletes an old (not current) private key, once no device can still hold it: the key list's
 *       cache lifetime plus the PIN block's lifetime (PIN_BLOCK_MAX_AGE_SECONDS) after the rotation.
 *
 * Plain JavaScript on node:crypto only, so it runs on a kirim image's node as it is (like
 * deploy/compose/message-keys.js). Private keys are never printed; only kids are.
 */
'use strict';

const { generateKeyPairSync } = require('node:crypto');
const { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const BANK_CODE = /^[A-Z]{4}$/;
const KID = /^[A-Z]{4}-pin-[0-9A-Za-z]{1,32}$/;
const USAGE = 'usage: sandbox-pin-keys.js [--owner <uid>:<gid>] ensure <dir> <BANK>... | rotate <dir> <BANK> | retire <dir> <BANK> <kid>';

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
  if (!dir || !['ensure', 'rotate', 'retire'].includes(command)) throw new Error(USAGE);
  for (const bank of command === 'retire' ? rest.slice(0, 1) : rest) {
    if (!BANK_CODE.test(bank)) throw new Error(`not a bank code: ${JSON.stringify(bank)}\n${USAGE}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dir, owner.uid, owner.gid);
  if (command === 'ensure') {
    if (rest.length === 0) throw new Error(USAGE);
    for (const bank of rest) {
      const bankDir = join(dir, bank);
      const kid = currentKid(bankDir) || newKey(bankDir, bank, owner);
      console.log(`${bank}: ${kid}`);
    }
  } else if (command === 'rotate') {
    const [bank] = rest;
    console.log(`${bank}: ${newKey(join(dir, bank), bank, owner)} (the previous key still opens PIN blocks until retired)`);
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
