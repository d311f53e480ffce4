import { createHmac } from 'node:crypto';
import { DATA_KEY_BYTES, decodeKey } from './data-encryption-keys';
import type { DataEncryptionConfig } from './data-encryption.config';

/**
 * Keyed hashes for equality lookups on encrypted columns (docs/data-at-rest.md): HMAC-SHA256 with
 * DATA_LOOKUP_KEY over `<kind>:<normalized value>`, base64url (43 characters). Deterministic, so an
 * index on it finds a row by value without the clear value in the database; keyed, so unlike a plain
 * SHA-256 it cannot be reversed by hashing every phone number (the ten billion possible Indian
 * mobiles take minutes on one machine). The kind keeps a phone number and an account number with the
 * same digits apart.
 *
 * The value is normalized first (normalizePhoneNumber below): `+91 98765-43210` and `+919876543210` are
 * one number and must give one hash.
 */
export class LookupHasher {
  private constructor(private readonly key: Buffer) {}

  static fromConfig(config: Pick<DataEncryptionConfig, 'DATA_LOOKUP_KEY'>): LookupHasher {
    const key = decodeKey(config.DATA_LOOKUP_KEY);
    if (key === null) throw new Error(`DATA_LOOKUP_KEY must be ${DATA_KEY_BYTES} bytes of base64`);
    return new LookupHasher(key);
  }

  static fromKey(key: Buffer): LookupHasher {
    if (key.length !== DATA_KEY_BYTES) throw new Error(`the lookup key must be ${DATA_KEY_BYTES} bytes`);
    return new LookupHasher(Buffer.from(key));
  }

  /** The hash of an E.164 phone number (normalized first; a number that is not E.164 throws). */
  phoneNumber(value: string): string {
    return this.hash('phone', normalizePhoneNumber(value));
  }

  /** The hash of a bank account number (digits only; spaces and hyphens dropped). */
  accountNumber(value: string): string {
    return this.hash('account-number', normalizeAccountNumber(value));
  }

  /**
   * The hash of a key that names personal data but is only ever compared whole, e.g. an attempt
   * counter's `bind-per-phone:+919800000001`: the counter is found again, the number is not kept.
   * The kind (lower-case, e.g. `attempt-counter`) keeps it apart from the phone and account hashes.
   */
  opaqueKey(kind: string, value: string): string {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(kind)) throw new Error('an opaque lookup kind is lower-case letters, digits and - (e.g. attempt-counter)');
    // Prefixed, so no opaque kind can give the hash of a phone or account number.
    return this.hash(`opaque-${kind}`, value);
  }

  private hash(kind: string, normalized: string): string {
    return createHmac('sha256', this.key).update(`${kind}:${normalized}`, 'utf8').digest('base64url');
  }
}

/** Thrown for a value that cannot be normalized; never carries the value. */
export class LookupNormalizationError extends Error {
  constructor(kind: string) {
    super(`not a valid ${kind} for a lookup`);
    this.name = 'LookupNormalizationError';
  }
}

const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * E.164 as stored and hashed: spaces, hyphens, dots and parentheses dropped, an international `00`
 * prefix read as `+`. A number without its country code is refused rather than guessed: the same
 * national digits are different people in different countries.
 */
export function normalizePhoneNumber(value: string): string {
  let compact = value.trim().replace(/[\s().-]/g, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  if (!E164.test(compact)) throw new LookupNormalizationError('E.164 phone number');
  return compact;
}

/** Digits only, as banks print account numbers with spaces or hyphens; 6-18 digits (Indian banks use 9-18). */
export function normalizeAccountNumber(value: string): string {
  const digits = value.trim().replace(/[\s-]/g, '');
  if (!/^\d{6,18}$/.test(digits)) throw new LookupNormalizationError('account number');
  return digits;
}
