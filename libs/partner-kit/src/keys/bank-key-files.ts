import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONWebKeySetLike } from '@kirim/contracts';
import { BankKeys, GeneratedBankKeys, loadBankKeys } from './bank-keys';

/** The files of a bank's key directory. */
export const BANK_KEY_FILES = {
  SIGNING_KEY: 'signing-key.pem',
  ENCRYPTION_KEY: 'encryption-key.pem',
  JWKS: 'jwks.json',
} as const;

export class BankKeysExistError extends Error {
  constructor(readonly existing: readonly string[]) {
    super(`key files already exist and are kept: ${existing.join(', ')} (pass --force to replace them)`);
  }
}

export function existingBankKeyFiles(dir: string): string[] {
  return Object.values(BANK_KEY_FILES)
    .map((name) => join(dir, name))
    .filter((path) => existsSync(path));
}

/**
 * Writes the private keys (0600) and the public JWKS (0644) into `dir` (created 0700 if missing).
 * Refuses, changing nothing, when any of the files exists, unless `force`. Each file is written to a
 * temporary name first and renamed, so a crash never leaves half a key.
 */
export function writeBankKeyFiles(dir: string, keys: GeneratedBankKeys, options: { force?: boolean } = {}): { signingKeyFile: string; encryptionKeyFile: string; jwksFile: string } {
  const existing = existingBankKeyFiles(dir);
  if (existing.length > 0 && !options.force) throw new BankKeysExistError(existing);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (name: string, text: string, mode: number): string => {
    const path = join(dir, name);
    const temporary = `${path}.tmp-${process.pid}`;
    writeFileSync(temporary, text, { mode, flag: 'w' });
    chmodSync(temporary, mode);
    renameSync(temporary, path);
    return path;
  };
  return {
    signingKeyFile: write(BANK_KEY_FILES.SIGNING_KEY, keys.signingKeyPem, 0o600),
    encryptionKeyFile: write(BANK_KEY_FILES.ENCRYPTION_KEY, keys.encryptionKeyPem, 0o600),
    jwksFile: write(BANK_KEY_FILES.JWKS, `${JSON.stringify(keys.jwks, null, 2)}\n`, 0o644),
  };
}

export interface BankKeyFilePaths {
  readonly signingKeyFile: string;
  readonly encryptionKeyFile: string;
  readonly jwksFile: string;
}

/** Reads and checks the bank's key files; errors name the file, never its content. */
export function readBankKeyFiles(paths: BankKeyFilePaths): BankKeys {
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  };
  let jwks: JSONWebKeySetLike;
  try {
    jwks = JSON.parse(read(paths.jwksFile)) as JSONWebKeySetLike;
  } catch (error) {
    throw new Error(error instanceof SyntaxError ? `${paths.jwksFile} is not JSON` : (error as Error).message);
  }
  if (!jwks || !Array.isArray(jwks.keys)) throw new Error(`${paths.jwksFile} is not a JWKS (an object with a "keys" array)`);
  return loadBankKeys({ signingKeyPem: read(paths.signingKeyFile), encryptionKeyPem: read(paths.encryptionKeyFile), jwks });
}
