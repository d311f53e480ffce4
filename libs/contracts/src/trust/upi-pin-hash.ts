import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { RESULT_CODES, ResultCode } from '../values/result-codes';
import { UPI_PIN_MAX_TRIES } from './upi-pin';

/**
 * How a bank keeps and checks UPI PINs, as the sandbox banks and the example partner bank do: a salted
 * scrypt hash, never the PIN. scrypt because it is memory-hard and ships with node:crypto (argon2id
 * would need a native module); its cost parameters are stored with each hash, so they can be raised
 * later without invalidating stored PINs. A 4–6 digit PIN has at most a million values, so no hash
 * alone stops an offline search of a stolen hash: what protects the PIN is that hashes never leave
 * the bank and that the bank counts tries (UPI_PIN_MAX_TRIES, then Z6). The slow hash raises the cost
 * of the offline search from microseconds to hours per account.
 */

/** N = 2^14, r = 8 (16 MiB, some tens of ms): OWASP's floor for scrypt, affordable once per debit. */
const SCRYPT_COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function scryptAsync(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  // The async form runs on libuv's thread pool: a PIN check never blocks the event loop.
  return new Promise((resolve, reject) => scrypt(secret, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** `scrypt$N$r$p$<salt>$<hash>` (base64url), with a fresh random salt. */
export async function hashUpiPin(pin: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(pin, salt, KEY_LENGTH, { ...SCRYPT_COST, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${SCRYPT_COST.N}$${SCRYPT_COST.r}$${SCRYPT_COST.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** True when `pin` is the PIN `stored` was made from; compared in constant time. */
export async function upiPinMatches(pin: string, stored: string): Promise<boolean> {
  const match = HASH_PATTERN.exec(stored);
  if (!match) throw new Error('a stored UPI PIN hash is not in the scrypt$N$r$p$salt$hash form');
  const [, n, r, p, salt, hash] = match;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(pin, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
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
 * - right PIN: accepted, the count starts again.
 */
export type UpiPinCheck =
  | { readonly ok: true; readonly failedTries: 0 }
  | { readonly ok: false; readonly resultCode: ResultCode; readonly reason: string; readonly failedTries: number };

export async function checkUpiPin(stored: StoredUpiPin | null, pin: string): Promise<UpiPinCheck> {
  if (stored === null || stored.pinHash === null) {
    return { ok: false, resultCode: RESULT_CODES.PIN_NOT_SET, reason: 'no UPI PIN is set for this account', failedTries: stored?.failedTries ?? 0 };
  }
  if (stored.failedTries >= UPI_PIN_MAX_TRIES) {
    return { ok: false, resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED, reason: 'UPI PIN tries exceeded; the PIN must be reset', failedTries: stored.failedTries };
  }
  if (await upiPinMatches(pin, stored.pinHash)) return { ok: true, failedTries: 0 };
  const failedTries = stored.failedTries + 1;
  return { ok: false, resultCode: RESULT_CODES.WRONG_PIN, reason: `wrong UPI PIN (${failedTries} of ${UPI_PIN_MAX_TRIES} tries)`, failedTries };
}
