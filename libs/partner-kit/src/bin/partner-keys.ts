#!/usr/bin/env node
/**
 * Generates a partner bank's keys into a directory: signing-key.pem (Ed25519) and encryption-key.pem
 * (X25519), both 0600, jwks.json with their public halves (`use` sig and enc), which the bank
 * registers with kirim, and pin-verification.keys (0600), the secret key its UPI PIN hashes are made
 * with, which kirim never sees (docs/upi-pin.md). Existing keys are never overwritten unless --force
 * is given, and PIN verification keys never: a new one is added as the current key.
 *
 *   partner-keys --bank XMPL --out .local/keys/partners/XMPL [--label 20261201] [--force | --keep-existing | --rotate-pin-verification]
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { addPinVerificationKey, BANK_KEY_FILES, BankKeysExistError, writeBankKeyFiles } from '../keys/bank-key-files';
import { generateBankKeys, generateBankPinVerificationKey } from '../keys/bank-keys';
import { EXIT, out, parseFlags, required, runCommand, UsageError } from './cli';

const USAGE = `usage: partner-keys --bank <CODE> --out <dir> [--label <label>] [--force | --keep-existing | --rotate-pin-verification]

  --bank           the bank's 4-letter code, e.g. XMPL (kids become <code>-sig-<label>, <code>-enc-<label>, <code>-pvk-<label>)
  --out            directory for signing-key.pem, encryption-key.pem, pin-verification.keys (0600) and jwks.json (public)
  --label          kid label (default: today's date and 4 random hex digits)
  --force          replace the signing and encryption keys already in the directory (the old ones are gone:
                   keep a copy to rotate); a new PIN verification key is added, the old ones kept
  --keep-existing  when the signing and encryption keys and jwks.json exist already, keep them and exit 0
                   (for setup scripts); a missing pin-verification.keys is made
  --rotate-pin-verification
                   add a new current PIN verification key to pin-verification.keys, keeping the older ones
                   (stored PIN hashes move to the new key as customers pay)`;

const PUBLIC_AND_PRIVATE_KEYS = [BANK_KEY_FILES.SIGNING_KEY, BANK_KEY_FILES.ENCRYPTION_KEY, BANK_KEY_FILES.JWKS];

async function main(): Promise<number> {
  const values = parseFlags(process.argv.slice(2), {
    bank: { type: 'string' },
    out: { type: 'string' },
    label: { type: 'string' },
    force: { type: 'boolean' },
    'keep-existing': { type: 'boolean' },
    'rotate-pin-verification': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    out(USAGE);
    return EXIT.OK;
  }
  const bankCode = required(values, 'bank');
  const dir = resolve(required(values, 'out'));
  const label = typeof values.label === 'string' ? values.label : undefined;
  if ([values.force, values['keep-existing'], values['rotate-pin-verification']].filter(Boolean).length > 1) {
    throw new UsageError('--force, --keep-existing and --rotate-pin-verification exclude each other');
  }
  if (values['rotate-pin-verification']) {
    const key = generateBankPinVerificationKey(bankCode, label);
    const file = addPinVerificationKey(dir, key);
    out(`added ${key.keyId} to ${file} as the current PIN verification key; keep the older keys there while stored PIN hashes name them`);
    return EXIT.OK;
  }
  if (values['keep-existing'] && PUBLIC_AND_PRIVATE_KEYS.every((name) => existsSync(join(dir, name)))) {
    // A directory made before PIN verification keys existed gets one; nothing else changes.
    if (existsSync(join(dir, BANK_KEY_FILES.PIN_VERIFICATION_KEYS))) {
      out(`keys already in ${dir}; kept them`);
    } else {
      const key = generateBankPinVerificationKey(bankCode, label);
      out(`keys already in ${dir}; kept them and added ${addPinVerificationKey(dir, key)} (kid ${key.keyId})`);
    }
    return EXIT.OK;
  }
  const keys = await generateBankKeys(bankCode, label);
  try {
    const files = writeBankKeyFiles(dir, keys, { force: values.force === true });
    out(
      `wrote ${files.signingKeyFile} (kid ${keys.signingKid}), ${files.encryptionKeyFile} (kid ${keys.encryptionKid}), ` +
        `${files.pinVerificationKeysFile} (kid ${keys.pinVerificationKey.keyId}) and ${files.jwksFile}`,
    );
    out(`register ${files.jwksFile} with kirim as bank ${bankCode}'s public keys; keep the other files secret, and pin-verification.keys apart from the database`);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof BankKeysExistError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.FAILED;
    }
    throw error;
  }
}

runCommand(main, USAGE);
