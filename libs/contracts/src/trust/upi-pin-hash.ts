import { createHmac, randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { RESULT_CODES, ResultCode } from '../values/result-codes';
import { UPI_PIN_MAX_TRIES, UPI_PIN_PATTERN } from './upi-pin';

/**
 * How a bank keeps and checks UPI PINs, as the sandbox banks and the example partner bank do
 * (docs/upi-pin.md): keyed PIN verification, as issuing banks verify PINs with their HSM's PIN
 * verification key (IBM 3624 offsets, Visa PVV), never a slow password hash per payment.
 *
 * The stored form is `hmac-sha256$<keyId>$<salt>$<mac>` (base64url), mac = HMAC-SHA256(key, label ||
 * salt || PIN), under a 32-byte PIN verification key that the bank keeps apart from the database.
 * A 4–6 digit PIN has at most a million values, so no hash, however slow, stops an offline search
 * of a stolen hash; a keyed one does, because the search needs the key too. The function can then
 * be fast (microseconds), which a payment switch needs: scrypt at OWASP's floor cost tens of ms of
 * CPU per debit. The salt keeps two accounts with the same PIN from having the same hash.
 *
 * PINs stored before keyed verification (`scrypt$N$r$p$<salt>$<hash>`) still verify, slowly, and a
 * right PIN against one, or against a hash under an older key, comes back with its hash under the
 * current key for the caller to store in the same transaction (upgrade on use).
 */

/** A PIN verification key: 32 random bytes and the id that hashes made under it carry. */
export interface PinVerificationKey {
  readonly keyId: string;
  readonly key: Buffer;
}

export const PIN_VERIFICATION_KEY_BYTES = 32;

/** A key id goes into every stored hash: no `$`, short. */
export const PIN_VERIFICATION_KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Domain separation: a MAC made with the key for anything else can never pass as a PIN hash. The
 * salt has a fixed length, so label || salt || PIN is unambiguous.
 */
const MAC_LABEL = Buffer.from('kirim upi-pin verification v1\0', 'utf8');
const SALT_BYTES = 16;
const KEYED_HASH_PATTERN = /^hmac-sha256\$([A-Za-z0-9._-]{1,64})\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;
const SCRYPT_HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;
/** The cost legacy hashes were made with (N = 2^14, r = 8: 16 MiB); the bound keeps a forged row from asking for more. */
const SCRYPT_LEGACY_COST = { N: 16384, r: 8, p: 1 } as const;
const SCRYPT_MAX_MEMORY = 64 * 1024 * 1024;

/** A new key: 32 bytes from the system's CSPRNG. */
export function generatePinVerificationKey(keyId: string): PinVerificationKey {
  checkKeyId(keyId, 'a PIN verification key id');
  return { keyId, key: randomBytes(PIN_VERIFICATION_KEY_BYTES) };
}

/**
 * The PIN verification keys file: one `<keyId> <key, base64url>` per line, oldest first, the LAST
 * line the current key (new hashes are made under it); blank lines and `#` comments are ignored. A
 * rotation appends a line; a key's line may go once no stored hash names it. Errors name the file
 * and the line, never key material.
 */
export function parsePinVerificationKeys(text: string, source: string): PinVerificationKey[] {
  const keys: PinVerificationKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [keyId, encoded, ...rest] = line.split(/\s+/);
    const where = `${source} line ${index + 1}`;
    if (encoded === undefined || rest.length > 0) throw new Error(`${where} is not "<keyId> <key, base64url>"`);
    if (!PIN_VERIFICATION_KEY_ID_PATTERN.test(keyId)) throw new Error(`${where}: a key id holds 1 to 64 letters, digits, ".", "_" or "-"`);
    const key = Buffer.from(encoded, 'base64url');
    if (key.length !== PIN_VERIFICATION_KEY_BYTES || key.toString('base64url') !== encoded) {
      throw new Error(`${where}: the key of ${keyId} is not ${PIN_VERIFICATION_KEY_BYTES} bytes in base64url`);
    }
    if (keys.some((known) => known.keyId === keyId)) throw new Error(`${where}: key id ${keyId} is listed twice`);
    keys.push({ keyId, key });
  });
  if (keys.length === 0) throw new Error(`${source} holds no PIN verification key`);
  return keys;
}

/** One line of the keys file. */
export function formatPinVerificationKey(key: PinVerificationKey): string {
  return `${key.keyId} ${key.key.toString('base64url')}\n`;
}

/**
 * A stored hash names a key this verifier does not hold: a configuration problem (the key was
 * retired too early, or the wrong keys file is mounted), not a wrong PIN. Thrown, so nothing is
 * decided and no try is counted; the caller's transaction rolls back.
 */
export class UnknownPinVerificationKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`a stored UPI PIN hash was made with PIN verification key ${keyId}, which is not loaded: load it again (the PIN cannot be checked without it)`);
    this.name = 'UnknownPinVerificationKeyError';
  }
}

/** A bank's record of one account's PIN: null hash when none is set. */
export interface StoredUpiPin {
  readonly pinHash: string | null;
  readonly failedTries: number;
}

/**
 * The bank's decision on a PIN given for an account, and the try count to store with it:
 * - no PIN set: U11, nothing counted (the user typed nothing wrong; set a PIN first);
 * - tries used up: Z6 whatever the PIN, until the PIN is reset;
 * - wrong PIN: ZM, one more try counted (the third wrong one locks the PIN);
 * - right PIN: accepted, the count starts again; `upgradedPinHash` is the PIN's hash under the
 *   current key when the stored one is a legacy scrypt hash or under an older key, else null. The
 *   caller stores it, with no tries, in the same transaction.
 */
export type UpiPinDecision =
  | { readonly ok: true; readonly failedTries: 0; readonly upgradedPinHash: string | null }
  | { readonly ok: false; readonly resultCode: ResultCode; readonly reason: string; readonly failedTries: number };

/**
 * Hashes and checks UPI PINs under a bank's PIN verification keys: the last one given is current,
 * the others (oldest first) still verify the hashes made under them until those are upgraded.
 */
export class UpiPinVerifier {
  private readonly current: PinVerificationKey;
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly PinVerificationKey[]) {
    const current = keys.at(-1);
    if (!current) throw new Error('the UPI PIN verifier needs a PIN verification key');
    const byId = new Map<string, Buffer>();
    for (const { keyId, key } of keys) {
      checkKeyId(keyId, 'a PIN verification key id');
      if (key.length !== PIN_VERIFICATION_KEY_BYTES) throw new Error(`PIN verification key ${keyId} is not ${PIN_VERIFICATION_KEY_BYTES} bytes`);
      if (byId.has(keyId)) throw new Error(`PIN verification key id ${keyId} is given twice`);
      byId.set(keyId, key);
    }
    this.current = current;
    this.byId = byId;
  }

  /** The key new hashes are made under. */
  get currentKeyId(): string {
    return this.current.keyId;
  }

  /** `hmac-sha256$<keyId>$<salt>$<mac>` under the current key, with a fresh random salt. */
  hash(pin: string): string {
    if (!UPI_PIN_PATTERN.test(pin)) throw new Error('a UPI PIN is 4 or 6 digits');
    const salt = randomBytes(SALT_BYTES);
    return `hmac-sha256$${this.current.keyId}$${salt.toString('base64url')}$${mac(this.current.key, salt, pin).toString('base64url')}`;
  }

  /**
   * True when `pin` is the PIN `stored` was made from, compared in constant time. Throws
   * UnknownPinVerificationKeyError for a key id not loaded, and an Error for a hash in no known form.
   */
  async matches(pin: string, stored: string): Promise<boolean> {
    const keyed = KEYED_HASH_PATTERN.exec(stored);
    if (keyed) {
      const [, keyId, salt, expectedMac] = keyed;
      const key = this.byId.get(keyId);
      if (!key) throw new UnknownPinVerificationKeyError(keyId);
      return sameBytes(mac(key, Buffer.from(salt, 'base64url'), pin), Buffer.from(expectedMac, 'base64url'));
    }
    if (SCRYPT_HASH_PATTERN.test(stored)) return legacyScryptMatches(pin, stored);
    throw new Error('a stored UPI PIN hash is in neither the hmac-sha256$keyId$salt$mac nor the legacy scrypt$N$r$p$salt$hash form');
  }

  /** True when a hash that matched should be stored again under the current key: legacy scrypt, or an older key. */
  needsUpgrade(stored: string): boolean {
    return KEYED_HASH_PATTERN.exec(stored)?.[1] !== this.current.keyId;
  }

  /** The bank's decision on `pin` for an account whose PIN record is `stored` (UpiPinDecision). */
  async check(stored: StoredUpiPin | null, pin: string): Promise<UpiPinDecision> {
    if (stored === null || stored.pinHash === null) {
      return { ok: false, resultCode: RESULT_CODES.PIN_NOT_SET, reason: 'no UPI PIN is set for this account', failedTries: stored?.failedTries ?? 0 };
    }
    if (stored.failedTries >= UPI_PIN_MAX_TRIES) {
      return { ok: false, resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED, reason: 'UPI PIN tries exceeded; the PIN must be reset', failedTries: stored.failedTries };
    }
    if (await this.matches(pin, stored.pinHash)) {
      return { ok: true, failedTries: 0, upgradedPinHash: this.needsUpgrade(stored.pinHash) ? this.hash(pin) : null };
    }
    const failedTries = stored.failedTries + 1;
    return { ok: false, resultCode: RESULT_CODES.WRONG_PIN, reason: `wrong UPI PIN (${failedTries} of ${UPI_PIN_MAX_TRIES} tries)`, failedTries };
  }
}

/**
 * A hash in the legacy form, `scrypt$16384$8$1$<salt>$<hash>`: how PINs were stored before keyed
 * verification. New PINs are never stored so; this exists for tests and for importing such hashes.
 */
export async function legacyScryptUpiPinHash(pin: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(pin, salt, 32, { ...SCRYPT_LEGACY_COST, maxmem: SCRYPT_MAX_MEMORY });
  return `scrypt$${SCRYPT_LEGACY_COST.N}$${SCRYPT_LEGACY_COST.r}$${SCRYPT_LEGACY_COST.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

function checkKeyId(keyId: string, what: string): void {
  if (!PIN_VERIFICATION_KEY_ID_PATTERN.test(keyId)) throw new Error(`${what} holds 1 to 64 letters, digits, ".", "_" or "-"`);
}

function mac(key: Buffer, salt: Buffer, pin: string): Buffer {
  return createHmac('sha256', key).update(MAC_LABEL).update(salt).update(pin, 'utf8').digest();
}

function sameBytes(actual: Buffer, expected: Buffer): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function scryptAsync(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  // The async form runs on libuv's thread pool: a legacy check never blocks the event loop.
  return new Promise((resolve, reject) => scrypt(secret, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

async function legacyScryptMatches(pin: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = SCRYPT_HASH_PATTERN.exec(stored) ?? [];
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(pin, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT_MAX_MEMORY });
  return sameBytes(actual, expected);
}
