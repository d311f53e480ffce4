import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPinVerificationKey, JSONWebKeySetLike, parsePinVerificationKeys, PinVerificationKey } from '@kirim/contracts';
import { BankKeys, GeneratedBankKeys, loadBankKeys } from './bank-keys';

/**
 * The files of a bank's key directory. PIN_VERIFICATION_KEYS is `<keyId> <key, base64url>` per line,
 * oldest first, the last line the current key (parsePinVerificationKeys): a rotation appends a line,
 * and older lines stay while stored PIN hashes name them.
 */
export const BANK_KEY_FILES = {
  SIGNING_KEY: 'signing-key.pem',
  ENCRYPTION_KEY: 'encryption-key.pem',
  JWKS: 'jwks.json',
  PIN_VERIFICATION_KEYS: 'pin-verification.keys',
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

/** Writes `text` to a temporary name and renames it, so a crash never leaves half a key. */
function writeKeyFile(dir: string, name: string, text: string, mode: number): string {
  const path = join(dir, name);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode, flag: 'w' });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
  return path;
}

/**
 * Writes the private keys and the PIN verification keys (0600) and the public JWKS (0644) into `dir`
 * (created 0700 if missing). Refuses, changing nothing, when any of the files exists, unless `force`.
 * Even with `force`, PIN verification keys already there are kept and the new one is added as the
 * current key: stored PIN hashes made under an old key would otherwise never verify again.
 */
export function writeBankKeyFiles(
  dir: string,
  keys: GeneratedBankKeys,
  options: { force?: boolean } = {},
): { signingKeyFile: string; encryptionKeyFile: string; jwksFile: string; pinVerificationKeysFile: string } {
  const existing = existingBankKeyFiles(dir);
  if (existing.length > 0 && !options.force) throw new BankKeysExistError(existing);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    signingKeyFile: writeKeyFile(dir, BANK_KEY_FILES.SIGNING_KEY, keys.signingKeyPem, 0o600),
    encryptionKeyFile: writeKeyFile(dir, BANK_KEY_FILES.ENCRYPTION_KEY, keys.encryptionKeyPem, 0o600),
    jwksFile: writeKeyFile(dir, BANK_KEY_FILES.JWKS, `${JSON.stringify(keys.jwks, null, 2)}\n`, 0o644),
    pinVerificationKeysFile: addPinVerificationKey(dir, keys.pinVerificationKey),
  };
}

/**
 * Adds `key` as the bank's current PIN verification key: appended to `dir`'s pin-verification.keys
 * (made 0600 if missing), the older keys kept. Refuses a key id already listed, and a file it cannot
 * read as a keys file (it is never overwritten). Returns the file's path.
 */
export function addPinVerificationKey(dir: string, key: PinVerificationKey): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, BANK_KEY_FILES.PIN_VERIFICATION_KEYS);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const listsKeys = before.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (listsKeys && parsePinVerificationKeys(before, path).some((known) => known.keyId === key.keyId)) {
    throw new Error(`${path} already lists PIN verification key ${key.keyId}; choose another --label`);
  }
  const separator = before === '' || before.endsWith('\n') ? '' : '\n';
  return writeKeyFile(dir, BANK_KEY_FILES.PIN_VERIFICATION_KEYS, `${before}${separator}${formatPinVerificationKey(key)}`, 0o600);
}

/** Reads the bank's PIN verification keys, oldest first, the last current; errors name the file and line, never a key. */
export function readPinVerificationKeys(path: string): PinVerificationKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parsePinVerificationKeys(text, path);
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
