#!/usr/bin/env node
/**
 * Generates a partner bank's keys into a directory: signing-key.pem (Ed25519) and encryption-key.pem
 * (X25519), both 0600, and jwks.json with their public halves (`use` sig and enc), which the bank
 * registers with kirim. Existing keys are never overwritten unless --force is given.
 *
 *   partner-keys --bank XMPL --out .local/keys/partners/XMPL [--label 20261201] [--force | --keep-existing]
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { BankKeysExistError, existingBankKeyFiles, writeBankKeyFiles } from '../keys/bank-key-files';
import { generateBankKeys } from '../keys/bank-keys';
import { EXIT, out, parseFlags, required, runCommand, UsageError } from './cli';

const USAGE = `usage: partner-keys --bank <CODE> --out <dir> [--label <label>] [--force | --keep-existing]

  --bank           the bank's 4-letter code, e.g. XMPL (kids become <code>-sig-<label>, <code>-enc-<label>)
  --out            directory for signing-key.pem, encryption-key.pem (0600) and jwks.json (public)
  --label          kid label (default: today's date and 4 random hex digits)
  --force          replace keys already in the directory (the old ones are gone: keep a copy to rotate)
  --keep-existing  when all three files exist already, keep them and exit 0 (for setup scripts)`;

async function main(): Promise<number> {
  const values = parseFlags(process.argv.slice(2), {
    bank: { type: 'string' },
    out: { type: 'string' },
    label: { type: 'string' },
    force: { type: 'boolean' },
    'keep-existing': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    out(USAGE);
    return EXIT.OK;
  }
  const bankCode = required(values, 'bank');
  const dir = resolve(required(values, 'out'));
  if (values.force && values['keep-existing']) throw new UsageError('--force and --keep-existing exclude each other');
  const existing = existingBankKeyFiles(dir);
  if (values['keep-existing'] && existing.length === 3) {
    out(`keys already in ${dir}; kept them`);
    return EXIT.OK;
  }
  const keys = await generateBankKeys(bankCode, typeof values.label === 'string' ? values.label : undefined);
  try {
    const files = writeBankKeyFiles(dir, keys, { force: values.force === true });
    out(`wrote ${files.signingKeyFile} (kid ${keys.signingKid}), ${files.encryptionKeyFile} (kid ${keys.encryptionKid}) and ${files.jwksFile}`);
    out(`register ${files.jwksFile} with kirim as bank ${bankCode}'s public keys; keep the .pem files secret`);
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
