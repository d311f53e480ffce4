import { createPrivateKey, KeyObject } from 'node:crypto';
import { exportJWK, exportPKCS8, generateKeyPair, importJWK, JSONWebKeySet, JWK, KeyLike } from 'jose';

/**
 * The keys behind signed records and encrypted account data: kirim's own signing keys (one per
 * producing service), partner banks' signing and encryption keys, and the sets of public keys each
 * side trusts. Built on jose (RFC 7515/7516/7517); nothing here talks to Kafka.
 */

/** JWS algorithms accepted on records: EdDSA (Ed25519, kirim's own) and ES256 (P-256), per the partner contract. */
export const RECORD_SIGNING_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export type RecordSigningAlgorithm = (typeof RECORD_SIGNING_ALGORITHMS)[number];

/** A private key that signs records, with the key id (`kid`) verifiers find its public half by. */
export interface RecordSigningKey {
  readonly kid: string;
  readonly alg: RecordSigningAlgorithm;
  readonly privateKey: KeyLike;
}

/**
 * kirim's own key ids name their owner: `<principal>:<label>`, e.g. `payments:2026-11-30`. The
 * platform's JWKS lists every service's public keys, and a verifier learns from the kid which
 * service a key belongs to. (Whoever picks the kid cannot pick the key: a record verifies only
 * under the key the trusted JWKS lists for that kid.)
 */
const PLATFORM_KID_PATTERN = /^([a-z][a-z0-9-]*):([A-Za-z0-9._-]{1,64})$/;

export function platformKeyId(principal: string, label: string): string {
  const kid = `${principal}:${label}`;
  if (!PLATFORM_KID_PATTERN.test(kid)) throw new Error(`not a valid platform key id: ${JSON.stringify(kid)}`);
  return kid;
}

export function principalOfPlatformKeyId(kid: string): string | undefined {
  return PLATFORM_KID_PATTERN.exec(kid)?.[1];
}

function signingAlgorithmOf(key: KeyObject): RecordSigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`a record signing key must be Ed25519 or EC P-256, not ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** A signing key from its PKCS#8 PEM (as kept in a secret) and its kid. */
export function loadRecordSigningKey(pem: string, kid: string): RecordSigningKey {
  if (!kid.trim()) throw new Error('a record signing key needs a key id');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    // Never echo the PEM: it is a secret.
    throw new Error('the record signing key is not a readable PKCS#8 PEM private key');
  }
  return { kid, alg: signingAlgorithmOf(privateKey), privateKey };
}

interface TrustedKey {
  readonly key: KeyLike;
  readonly alg: RecordSigningAlgorithm;
}

/**
 * Public signing keys by principal and kid. A verifier asks for the key of the principal that must
 * have signed (the catalogue says who), so a key of one party never verifies another's records.
 * Two keys of one principal may be trusted at once: that is how a key is rotated without downtime.
 */
export class TrustedSigningKeys {
  private readonly byPrincipal = new Map<string, Map<string, TrustedKey>>();

  /** The public signing keys (`use` "sig" or unset) of `jwks`, all belonging to `principal`. */
  static async of(principal: string, jwks: JSONWebKeySet): Promise<TrustedSigningKeys> {
    const trusted = new TrustedSigningKeys();
    await trusted.addJwks(jwks, () => principal);
    return trusted;
  }

  /** The platform's JWKS: each key's owner is read from its kid (`<principal>:<label>`). */
  static async ofPlatform(jwks: JSONWebKeySet): Promise<TrustedSigningKeys> {
    const trusted = new TrustedSigningKeys();
    await trusted.addJwks(jwks, (kid) => {
      const principal = principalOfPlatformKeyId(kid);
      if (!principal) throw new Error(`platform key id ${JSON.stringify(kid)} does not name its owner as <principal>:<label>`);
      return principal;
    });
    return trusted;
  }

  /** This set and `others` together. */
  merge(...others: TrustedSigningKeys[]): TrustedSigningKeys {
    const merged = new TrustedSigningKeys();
    for (const source of [this, ...others]) {
      for (const [principal, keys] of source.byPrincipal) {
        for (const [kid, key] of keys) merged.put(principal, kid, key);
      }
    }
    return merged;
  }

  keyFor(principal: string, kid: string): TrustedKey | undefined {
    return this.byPrincipal.get(principal)?.get(kid);
  }

  principals(): string[] {
    return [...this.byPrincipal.keys()].sort();
  }

  keyIdsOf(principal: string): string[] {
    return [...(this.byPrincipal.get(principal)?.keys() ?? [])].sort();
  }

  private async addJwks(jwks: JSONWebKeySet, ownerOf: (kid: string) => string): Promise<void> {
    if (!jwks || !Array.isArray(jwks.keys)) throw new Error('a JWKS must be an object with a "keys" array');
    for (const jwk of jwks.keys) {
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      if (typeof jwk.kid !== 'string' || jwk.kid.length === 0) throw new Error('every signing key in a JWKS needs a kid');
      if ('d' in jwk) throw new Error(`key ${jwk.kid} is a private key; a JWKS of trusted keys holds public keys only`);
      const alg = jwkSigningAlgorithm(jwk);
      const key = (await importJWK({ ...jwk, alg }, alg)) as KeyLike;
      this.put(ownerOf(jwk.kid), jwk.kid, { key, alg });
    }
  }

  private put(principal: string, kid: string, key: TrustedKey): void {
    const keys = this.byPrincipal.get(principal) ?? new Map<string, TrustedKey>();
    if (keys.has(kid)) throw new Error(`key id ${kid} appears twice for ${principal}`);
    keys.set(kid, key);
    this.byPrincipal.set(principal, keys);
  }
}

function jwkSigningAlgorithm(jwk: JWK): RecordSigningAlgorithm {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  throw new Error(`key ${jwk.kid ?? '(no kid)'} is not an Ed25519 or P-256 signing key`);
}

/** A bank's public key that account data is encrypted for (JWE, ECDH-ES key agreement). */
export interface BankEncryptionKey {
  readonly kid: string;
  readonly key: KeyLike;
}

/**
 * The encryption key of a bank's JWKS: the key with `use` "enc" (X25519 or P-256). With several, the
 * last one listed is used, so a bank rotating keys lists the new one last and keeps the old one
 * until kirim's requests in flight are answered.
 */
export async function bankEncryptionKeyOf(jwks: JSONWebKeySet): Promise<BankEncryptionKey> {
  const candidates = (jwks.keys ?? []).filter((jwk) => jwk.use === 'enc');
  const jwk = candidates[candidates.length - 1];
  if (!jwk) throw new Error('the JWKS has no encryption key (a key with "use": "enc")');
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0) throw new Error('the encryption key needs a kid');
  if ('d' in jwk) throw new Error(`key ${jwk.kid} is a private key; publish the public half only`);
  const supported = (jwk.kty === 'OKP' && jwk.crv === 'X25519') || (jwk.kty === 'EC' && jwk.crv === 'P-256');
  if (!supported) throw new Error(`encryption key ${jwk.kid} must be X25519 or P-256`);
  return { kid: jwk.kid, key: (await importJWK({ ...jwk, alg: 'ECDH-ES' }, 'ECDH-ES')) as KeyLike };
}

/** A new key pair, the private half as PKCS#8 PEM (for a secret) and the public half as a JWK (for a JWKS). */
export interface GeneratedKeyPair {
  readonly privateKeyPem: string;
  readonly publicJwk: JWK;
}

/** A new Ed25519 record signing key. */
export async function generateRecordSigningKeyPair(kid: string): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

/** A new X25519 key for receiving encrypted account data (banks). */
export async function generateEncryptionKeyPair(kid: string): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv: 'X25519', extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ECDH-ES', use: 'enc' } };
}

/** JWKS and JWK types, so callers need not import jose for them. */
export type { JSONWebKeySet as JSONWebKeySetLike, JWK as JsonWebKey } from 'jose';
