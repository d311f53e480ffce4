import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES, DATA_KEY_ID_PATTERN, parseDataEncryptionKeyList } from './data-encryption-keys';
import type { DataEncryptionConfig } from './data-encryption.config';

/**
 * Field-level envelope encryption of personal data at rest (docs/data-at-rest.md).
 *
 * Each value gets its own random 256-bit data key; the value is encrypted with it (AES-256-GCM) and
 * the data key is wrapped (AES-256-GCM) with the active key-encryption key from DATA_ENCRYPTION_KEYS.
 * The stored text describes itself:
 *
 *     kf1.<kid>.<wrapped data key>.<encrypted value>      (both parts base64url: iv | ciphertext | tag)
 *
 * so a value is never separated from the id of the key that opens it (a copy, a backup or a restore
 * carries it along), a row can hold values under different keys during a rotation, and SQL can find
 * the values still under a retired key (`split_part(column, '.', 2)`) without decrypting anything.
 * Rotation re-wraps only the data key (`rewrap`): the re-encryption job never sees a clear value.
 *
 * Every value is bound to its purpose (table and column, e.g. `sandbox_accounts.holder_name`) as
 * GCM additional data, so a ciphertext copied into another column does not decrypt.
 *
 * Why node:crypto and not a library: the primitive is OpenSSL's AES-GCM either way, and what is ours
 * is only the framing above. The one fitting package in the registry (@47ng/cloak) names keys by a
 * fingerprint rather than a key id we choose, has no per-value data key and no purpose binding, and is
 * not installed; wrapping it would still leave this framing to write. The framing is tested against
 * tampering, swapped purposes, unknown key ids and rotation (field-encryption.spec.ts).
 */

export const FIELD_FORMAT = 'kf1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
const PURPOSE_PATTERN = /^[a-z][a-z0-9_.-]{0,99}$/;

/** A stored value could not be opened. Never carries the value or a key; names the purpose and why. */
export class FieldDecryptionError extends Error {
  constructor(
    readonly purpose: string,
    readonly reason: 'malformed' | 'unknown-key' | 'tampered',
    readonly keyId?: string,
  ) {
    super(
      reason === 'unknown-key'
        ? `cannot decrypt ${purpose}: key id ${keyId ?? '?'} is not in DATA_ENCRYPTION_KEYS`
        : reason === 'tampered'
          ? `cannot decrypt ${purpose}: the value failed authentication (tampered, or stored under another purpose)`
          : `cannot decrypt ${purpose}: not a ${FIELD_FORMAT} value`,
    );
    this.name = 'FieldDecryptionError';
  }
}

interface ParsedValue {
  readonly keyId: string;
  readonly wrappedKey: Buffer;
  readonly payload: Buffer;
}

export class FieldEncryption {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    /** The key new values are encrypted with. */
    readonly activeKeyId: string,
  ) {}

  /** From the validated environment (loadConfig(DataEncryptionConfig)). */
  static fromConfig(config: Pick<DataEncryptionConfig, 'DATA_ENCRYPTION_KEYS' | 'DATA_ENCRYPTION_ACTIVE_KEY_ID'>): FieldEncryption {
    const parsed = parseDataEncryptionKeyList(config.DATA_ENCRYPTION_KEYS);
    if (!parsed.ok) throw new Error(`DATA_ENCRYPTION_KEYS is invalid: ${parsed.problem}`);
    return FieldEncryption.fromKeys(parsed.keys, config.DATA_ENCRYPTION_ACTIVE_KEY_ID);
  }

  static fromKeys(keys: ReadonlyMap<string, Buffer>, activeKeyId: string): FieldEncryption {
    for (const [kid, key] of keys) {
      if (!DATA_KEY_ID_PATTERN.test(kid)) throw new Error('a data encryption key id is not 1-32 of A-Z a-z 0-9 _ -');
      if (key.length !== DATA_KEY_BYTES) throw new Error(`data encryption key ${kid} is not ${DATA_KEY_BYTES} bytes`);
    }
    if (!keys.has(activeKeyId)) throw new Error('DATA_ENCRYPTION_ACTIVE_KEY_ID must be the id of one of the keys in DATA_ENCRYPTION_KEYS');
    // Copies: nobody outside can change (or zero) the keys this instance holds.
    return new FieldEncryption(new Map([...keys].map(([kid, key]) => [kid, Buffer.from(key)])), activeKeyId);
  }

  /** The key ids this instance can decrypt with. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  encrypt(purpose: string, plaintext: string): string {
    assertPurpose(purpose);
    const dataKey = randomBytes(DATA_KEY_BYTES);
    try {
      const payload = seal(dataKey, Buffer.from(plaintext, 'utf8'), valueAad(purpose));
      return this.frame(this.activeKeyId, this.wrap(this.activeKeyId, dataKey, purpose), payload);
    } finally {
      dataKey.fill(0);
    }
  }

  /** The clear value; throws FieldDecryptionError for a malformed, tampered or unknown-key value. */
  decrypt(purpose: string, stored: string): string {
    assertPurpose(purpose);
    const value = parse(purpose, stored);
    const dataKey = this.unwrap(purpose, value);
    try {
      return open(purpose, dataKey, value.payload, valueAad(purpose)).toString('utf8');
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * The same value under the active key: the data key is unwrapped with the old key and wrapped
   * with the active one; the encrypted value itself is kept. A value already under the active key is
   * returned as it is (so the re-encryption job is idempotent). The value is authenticated first: a
   * tampered one is refused, never carried forward under the new key.
   */
  rewrap(purpose: string, stored: string): string {
    assertPurpose(purpose);
    const value = parse(purpose, stored);
    const dataKey = this.unwrap(purpose, value);
    try {
      open(purpose, dataKey, value.payload, valueAad(purpose));
      if (value.keyId === this.activeKeyId) return stored;
      return this.frame(this.activeKeyId, this.wrap(this.activeKeyId, dataKey, purpose), value.payload);
    } finally {
      dataKey.fill(0);
    }
  }

  /** The key id a stored value names, without decrypting it; null if it is not a kf1 value. */
  static keyIdOf(stored: string): string | null {
    const parts = stored.split('.');
    return parts.length === 4 && parts[0] === FIELD_FORMAT && DATA_KEY_ID_PATTERN.test(parts[1] ?? '') ? (parts[1] as string) : null;
  }

  private frame(keyId: string, wrappedKey: Buffer, payload: Buffer): string {
    return [FIELD_FORMAT, keyId, wrappedKey.toString('base64url'), payload.toString('base64url')].join('.');
  }

  private wrap(keyId: string, dataKey: Buffer, purpose: string): Buffer {
    return seal(this.keyOf(purpose, keyId), dataKey, wrapAad(keyId, purpose));
  }

  private unwrap(purpose: string, value: ParsedValue): Buffer {
    const dataKey = open(purpose, this.keyOf(purpose, value.keyId), value.wrappedKey, wrapAad(value.keyId, purpose));
    if (dataKey.length !== DATA_KEY_BYTES) throw new FieldDecryptionError(purpose, 'malformed');
    return dataKey;
  }

  private keyOf(purpose: string, keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new FieldDecryptionError(purpose, 'unknown-key', keyId);
    return key;
  }
}

function assertPurpose(purpose: string): void {
  if (!PURPOSE_PATTERN.test(purpose)) throw new Error('a field encryption purpose is lower-case letters, digits, . _ - (e.g. sandbox_accounts.holder_name)');
}

// The key id is in the wrapping's additional data: a wrapped key relabelled with another kid fails.
const wrapAad = (keyId: string, purpose: string): Buffer => Buffer.from(`${FIELD_FORMAT}.wrap.${keyId}.${purpose}`, 'utf8');
const valueAad = (purpose: string): Buffer => Buffer.from(`${FIELD_FORMAT}.value.${purpose}`, 'utf8');

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
}

function open(purpose: string, key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new FieldDecryptionError(purpose, 'malformed');
  const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new FieldDecryptionError(purpose, 'tampered');
  }
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function parse(purpose: string, stored: string): ParsedValue {
  const parts = stored.split('.');
  const [format, keyId, wrapped, payload] = parts;
  if (parts.length !== 4 || format !== FIELD_FORMAT || !keyId || !DATA_KEY_ID_PATTERN.test(keyId) || !wrapped || !payload || !BASE64URL.test(wrapped) || !BASE64URL.test(payload)) {
    throw new FieldDecryptionError(purpose, 'malformed');
  }
  return { keyId, wrappedKey: Buffer.from(wrapped, 'base64url'), payload: Buffer.from(payload, 'base64url') };
}
