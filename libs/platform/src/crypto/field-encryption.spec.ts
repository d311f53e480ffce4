import { createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '../config/config-error';
import { loadConfig } from '../config/load-config';
import { DataEncryptionConfig } from './data-encryption.config';
import { FieldDecryptionError, FieldEncryption } from './field-encryption';
import { LookupHasher, LookupNormalizationError, normalizeAccountNumber, normalizePhoneNumber } from './lookup-hash';

const key = (): Buffer => randomBytes(32);
const K1 = key();
const K2 = key();
const LOOKUP = key();
const PURPOSE = 'sandbox_accounts.holder_name';

function keyring(active: string, entries: Record<string, Buffer>): FieldEncryption {
  return FieldEncryption.fromKeys(new Map(Object.entries(entries)), active);
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Flips one bit of the base64url part `part` (2: wrapped key, 3: value) of a stored value. */
function flipBit(stored: string, part: 2 | 3, byte: number): string {
  const parts = stored.split('.');
  const bytes = Buffer.from(parts[part] as string, 'base64url');
  bytes[byte] = (bytes[byte] as number) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('FieldEncryption', () => {
  const fields = keyring('k1', { k1: K1 });

  it('round-trips text, unicode included, and names the active key id in the stored value', () => {
    for (const clear of ['Asha Rao', 'आशा राव', '', '919800000001']) {
      const stored = fields.encrypt(PURPOSE, clear);
      expect(stored).toMatch(/^kf1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(FieldEncryption.keyIdOf(stored)).toBe('k1');
      expect(fields.decrypt(PURPOSE, stored)).toBe(clear);
    }
  });

  it('never stores the clear value, and encrypts the same value differently each time', () => {
    const a = fields.encrypt(PURPOSE, '919800000001');
    const b = fields.encrypt(PURPOSE, '919800000001');
    expect(a).not.toBe(b);
    expect(a).not.toContain('919800000001');
    expect(Buffer.from(a.split('.')[3] as string, 'base64url').toString('latin1')).not.toContain('919800000001');
  });

  it.each([
    ['the encrypted value', 3 as const, 20],
    ['the value tag', 3 as const, -1],
    ['the wrapped data key', 2 as const, 15],
    ['the wrapping iv', 2 as const, 0],
  ])('refuses a value with one bit of %s flipped', (_what, part, byte) => {
    const stored = fields.encrypt(PURPOSE, 'Asha Rao');
    const length = Buffer.from(stored.split('.')[part] as string, 'base64url').length;
    const tampered = flipBit(stored, part, byte < 0 ? length + byte : byte);
    expect(() => fields.decrypt(PURPOSE, tampered)).toThrow(FieldDecryptionError);
    expect(() => fields.decrypt(PURPOSE, tampered)).toThrow(/failed authentication/);
    expect(() => fields.rewrap(PURPOSE, tampered)).toThrow(FieldDecryptionError);
  });

  it('refuses a value moved to another column (purpose), and a wrapped key relabelled with another key id', () => {
    const stored = fields.encrypt('sandbox_accounts.holder_name', 'Asha Rao');
    expect(() => fields.decrypt('sandbox_accounts.account_number', stored)).toThrow(/failed authentication/);
    const both = keyring('k1', { k1: K1, k2: K1.map((b) => b ^ 0xff) as Buffer });
    expect(() => both.decrypt(PURPOSE, stored.replace('kf1.k1.', 'kf1.k2.'))).toThrow(FieldDecryptionError);
  });

  it('names an unknown key id and never the value or a key', () => {
    const other = keyring('k9', { k9: K2 });
    const stored = other.encrypt(PURPOSE, 'Asha Rao');
    let error: unknown;
    try {
      fields.decrypt(PURPOSE, stored);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FieldDecryptionError);
    expect((error as FieldDecryptionError).reason).toBe('unknown-key');
    expect((error as Error).message).toBe(`cannot decrypt ${PURPOSE}: key id k9 is not in DATA_ENCRYPTION_KEYS`);
    expect((error as Error).message).not.toContain('Asha');
  });

  it.each(['Asha Rao', 'kf1.k1.abc', 'kf1.k1.a.b.c', 'kf2.k1.AAAA.AAAA', 'kf1.k 1.AAAA.AAAA', 'kf1.k1.AA+A.AAAA', 'kf1.k1.AAAA.AA'])('refuses %j as malformed', (stored) => {
    expect(() => fields.decrypt(PURPOSE, stored)).toThrow(FieldDecryptionError);
  });

  describe('rotation', () => {
    const old = keyring('k1', { k1: K1 });
    const rotated = keyring('k2', { k1: K1, k2: K2 });
    const retired = keyring('k2', { k2: K2 });

    it('decrypts with any known key and encrypts with the active one', () => {
      const underOld = old.encrypt(PURPOSE, 'Asha Rao');
      expect(rotated.decrypt(PURPOSE, underOld)).toBe('Asha Rao');
      expect(FieldEncryption.keyIdOf(rotated.encrypt(PURPOSE, 'Bala'))).toBe('k2');
    });

    it('re-wraps a value under the active key, keeping the encrypted value, so the old key can be retired', () => {
      const underOld = old.encrypt(PURPOSE, 'Asha Rao');
      const rewrapped = rotated.rewrap(PURPOSE, underOld);
      expect(FieldEncryption.keyIdOf(rewrapped)).toBe('k2');
      expect(rewrapped.split('.')[3]).toBe(underOld.split('.')[3]);
      expect(retired.decrypt(PURPOSE, rewrapped)).toBe('Asha Rao');
      expect(() => retired.decrypt(PURPOSE, underOld)).toThrow(/key id k1 is not in DATA_ENCRYPTION_KEYS/);
      // Idempotent: a value already under the active key comes back unchanged.
      expect(rotated.rewrap(PURPOSE, rewrapped)).toBe(rewrapped);
    });
  });

  it('refuses an active key id that is not in the keyring, and keys of the wrong size', () => {
    expect(() => keyring('k2', { k1: K1 })).toThrow(/DATA_ENCRYPTION_ACTIVE_KEY_ID/);
    expect(() => keyring('k1', { k1: randomBytes(16) })).toThrow(/32 bytes/);
  });
});

describe('DataEncryptionConfig', () => {
  const b64 = (buffer: Buffer): string => buffer.toString('base64');
  const valid = { DATA_ENCRYPTION_KEYS: `k1:${b64(K1)}, k2:${K2.toString('base64url')}`, DATA_ENCRYPTION_ACTIVE_KEY_ID: 'k2', DATA_LOOKUP_KEY: b64(LOOKUP) };

  it('accepts a key list in base64 or base64url and builds the keyring and the lookup hasher from it', () => {
    const config = loadConfig(DataEncryptionConfig, valid);
    const fields = FieldEncryption.fromConfig(config);
    expect(fields.activeKeyId).toBe('k2');
    expect(fields.keyIds).toEqual(['k1', 'k2']);
    expect(LookupHasher.fromConfig(config).phoneNumber('+919800000001')).toBe(LookupHasher.fromKey(LOOKUP).phoneNumber('+919800000001'));
  });

  it.each([
    [{ DATA_ENCRYPTION_KEYS: undefined }, 'DATA_ENCRYPTION_KEYS is required'],
    [{ DATA_ENCRYPTION_ACTIVE_KEY_ID: undefined }, 'DATA_ENCRYPTION_ACTIVE_KEY_ID is required'],
    [{ DATA_LOOKUP_KEY: undefined }, 'DATA_LOOKUP_KEY is required'],
    [{ DATA_ENCRYPTION_KEYS: `k1:${b64(randomBytes(16))}` , DATA_ENCRYPTION_ACTIVE_KEY_ID: 'k1' }, 'DATA_ENCRYPTION_KEYS must be kid:base64key[,kid:base64key...] with 32-byte keys: key k1 is not 32 bytes of base64'],
    [{ DATA_ENCRYPTION_KEYS: b64(K1), DATA_ENCRYPTION_ACTIVE_KEY_ID: 'k1' }, 'entry 1 is not kid:base64key'],
    [{ DATA_ENCRYPTION_KEYS: `k1:${b64(K1)},k1:${b64(K2)}` , DATA_ENCRYPTION_ACTIVE_KEY_ID: 'k1' }, 'key id k1 is listed twice'],
    [{ DATA_ENCRYPTION_KEYS: `k1:${b64(K1)},k2:${b64(K1)}` }, 'keys k1 and k2 are the same key'],
    [{ DATA_ENCRYPTION_KEYS: `k.1:${b64(K1)}`, DATA_ENCRYPTION_ACTIVE_KEY_ID: 'k1' }, 'has a key id that is not'],
    [{ DATA_ENCRYPTION_ACTIVE_KEY_ID: 'k3' }, 'DATA_ENCRYPTION_ACTIVE_KEY_ID must be the id of one of the keys in DATA_ENCRYPTION_KEYS'],
    [{ DATA_LOOKUP_KEY: b64(K1) }, 'DATA_LOOKUP_KEY must be 32 bytes of base64, and not one of the DATA_ENCRYPTION_KEYS'],
    [{ DATA_LOOKUP_KEY: 'not a key' }, 'DATA_LOOKUP_KEY must be 32 bytes of base64'],
  ])('refuses a bad key setting, naming the variable and never a key (%#): %s', (change, message) => {
    const error = configErrorOf(() => loadConfig(DataEncryptionConfig, { ...valid, ...change }));
    expect(error.message).toContain(message);
    for (const secret of [b64(K1), b64(K2), K2.toString('base64url'), b64(LOOKUP)]) expect(error.message).not.toContain(secret);
  });
});

describe('LookupHasher', () => {
  const lookups = LookupHasher.fromKey(LOOKUP);

  it('gives one hash for one number however it is written, and another for another number', () => {
    const hash = lookups.phoneNumber('+919800000001');
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const written of ['+91 98000 00001', '+91-9800-000001', '0091 9800000001', ' (+91) 9800.000001 ']) expect(lookups.phoneNumber(written)).toBe(hash);
    expect(lookups.phoneNumber('+919800000002')).not.toBe(hash);
  });

  it('is keyed: another lookup key gives another hash, and it is not the plain SHA-256 of the number', () => {
    const hash = lookups.phoneNumber('+919800000001');
    expect(LookupHasher.fromKey(key()).phoneNumber('+919800000001')).not.toBe(hash);
    expect(hash).not.toBe(createHash('sha256').update('+919800000001').digest('base64url'));
  });

  it('keeps phone numbers and account numbers with the same digits apart', () => {
    expect(lookups.accountNumber('919800000001')).not.toBe(lookups.phoneNumber('+919800000001'));
    expect(lookups.accountNumber('9198 0000-0001')).toBe(lookups.accountNumber('919800000001'));
  });

  it.each(['9800000001', '+0919800000001', '+91 98000 0000x', '', '+1234567', '+1234567890123456'])('refuses %j, which is not an E.164 number, without echoing it', (value) => {
    expect(() => normalizePhoneNumber(value)).toThrow(LookupNormalizationError);
    expect(() => lookups.phoneNumber(value)).toThrow('not a valid E.164 phone number for a lookup');
  });

  it('hashes opaque keys apart from phone numbers, deterministically and keyed', () => {
    const hash = lookups.opaqueKey('attempt-counter', 'bind-per-phone:+919800000001');
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(lookups.opaqueKey('attempt-counter', 'bind-per-phone:+919800000001')).toBe(hash);
    expect(LookupHasher.fromKey(key()).opaqueKey('attempt-counter', 'bind-per-phone:+919800000001')).not.toBe(hash);
    expect(lookups.opaqueKey('attempt-counter', '+919800000001')).not.toBe(lookups.phoneNumber('+919800000001'));
    expect(lookups.opaqueKey('phone', '+919800000001')).not.toBe(lookups.phoneNumber('+919800000001'));
    expect(() => lookups.opaqueKey('Attempt counter', 'x')).toThrow('opaque lookup kind');
  });

  it('refuses account numbers that are not 6-18 digits', () => {
    expect(() => normalizeAccountNumber('12345')).toThrow(LookupNormalizationError);
    expect(() => normalizeAccountNumber('12345a789')).toThrow(LookupNormalizationError);
  });
});
