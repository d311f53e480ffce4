import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

/** The only curve ES256 (RFC 7518 §3.4) allows; OpenSSL names P-256 `prime256v1`. */
const P256_OPENSSL_NAME = 'prime256v1';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export type SigningKeyParseResult = { ok: true; privateKey: KeyObject } | { ok: false; reason: string };

/**
 * Env files and compose/Kubernetes secrets often carry a PEM on one line with literal `\n`
 * escapes; accept both that and a real multi-line PEM.
 */
export function normalizePem(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

/**
 * Parses a PKCS#8 PEM and checks it is an EC P-256 private key, synchronously, so config
 * validation can refuse a bad key at boot. The reason never contains the key itself.
 */
export function parseSigningPrivateKey(pem: string): SigningKeyParseResult {
  const text = normalizePem(pem).trim();
  if (!text.startsWith('-----BEGIN PRIVATE KEY-----')) {
    return { ok: false, reason: 'must be a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----")' };
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' });
  } catch {
    return { ok: false, reason: 'is not a parseable PKCS#8 PEM private key' };
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== P256_OPENSSL_NAME) {
    return { ok: false, reason: 'must be an EC P-256 key (ES256)' };
  }
  return { ok: true, privateKey };
}

/** Builds the signing key from an already validated PEM; throws if it is not (a bug: config validates first). */
export function loadSigningKey(pem: string, kid: string): SigningKey {
  const parsed = parseSigningPrivateKey(pem);
  if (!parsed.ok) throw new Error(`IDENTITY_SIGNING_KEY ${parsed.reason}`);
  return { kid, privateKey: parsed.privateKey, publicKey: createPublicKey(parsed.privateKey) };
}

export type PublishedKeyParseResult = { ok: true; publicKey: KeyObject } | { ok: false; reason: string };

/**
 * Parses IDENTITY_PUBLISHED_KEY: an SPKI public key PEM, or a PKCS#8 private key PEM of which only
 * the public half is kept. Either way an EC P-256 key.
 */
export function parsePublishedKey(pem: string): PublishedKeyParseResult {
  const text = normalizePem(pem).trim();
  if (text.startsWith('-----BEGIN PRIVATE KEY-----')) {
    const parsed = parseSigningPrivateKey(text);
    return parsed.ok ? { ok: true, publicKey: createPublicKey(parsed.privateKey) } : parsed;
  }
  if (!text.startsWith('-----BEGIN PUBLIC KEY-----')) return { ok: false, reason: 'must be a PEM public key ("-----BEGIN PUBLIC KEY-----") or PKCS#8 private key' };
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: text, format: 'pem' });
  } catch {
    return { ok: false, reason: 'is not a parseable PEM public key' };
  }
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== P256_OPENSSL_NAME) {
    return { ok: false, reason: 'must be an EC P-256 key (ES256)' };
  }
  return { ok: true, publicKey };
}

/** A key verifiers must know but identity does not sign with (the next or the previous one). */
export interface PublishedKey {
  readonly kid: string;
  readonly publicKey: KeyObject;
}

/** The keys of the JWKS: the signing key first, then IDENTITY_PUBLISHED_KEY if set. */
export function publishedKeys(config: {
  IDENTITY_SIGNING_KEY: string;
  IDENTITY_SIGNING_KEY_ID: string;
  IDENTITY_PUBLISHED_KEY?: string;
  IDENTITY_PUBLISHED_KEY_ID?: string;
}): PublishedKey[] {
  const keys: PublishedKey[] = [loadSigningKey(config.IDENTITY_SIGNING_KEY, config.IDENTITY_SIGNING_KEY_ID)];
  if (config.IDENTITY_PUBLISHED_KEY !== undefined && config.IDENTITY_PUBLISHED_KEY_ID !== undefined) {
    const parsed = parsePublishedKey(config.IDENTITY_PUBLISHED_KEY);
    if (!parsed.ok) throw new Error(`IDENTITY_PUBLISHED_KEY ${parsed.reason}`);
    keys.push({ kid: config.IDENTITY_PUBLISHED_KEY_ID, publicKey: parsed.publicKey });
  }
  return keys;
}

/** Nest provider token of the current `SigningKey`. */
export const SIGNING_KEY = Symbol('SIGNING_KEY');
/** Nest provider token of every `PublishedKey` (the JWKS). */
export const PUBLISHED_KEYS = Symbol('PUBLISHED_KEYS');
