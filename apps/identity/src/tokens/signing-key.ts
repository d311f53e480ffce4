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

/** Nest provider token of the current `SigningKey`. */
export const SIGNING_KEY = Symbol('SIGNING_KEY');
