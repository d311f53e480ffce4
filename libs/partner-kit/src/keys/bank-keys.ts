import { createPrivateKey, createPublicKey, KeyObject, randomBytes } from 'node:crypto';
import {
  BANK_CODE_PATTERN,
  generateEncryptionKeyPair,
  generatePinVerificationKey,
  generateRecordSigningKeyPair,
  JSONWebKeySetLike,
  JsonWebKey,
  loadRecordSigningKey,
  PinVerificationKey,
  RecordSigningKey,
} from '@kirim/contracts';

/**
 * The bank's own keys: an Ed25519 key that signs its answers and an X25519 key that kirim encrypts
 * account data for. The private halves stay with the bank (PKCS#8 PEM files, 0600); the public halves
 * go into the bank's JWKS, which the bank registers with kirim. Beside them, a secret key kirim never
 * learns of: the PIN verification key its stored UPI PIN hashes are made with (docs/upi-pin.md).
 */

/** The bank's private encryption key, with the kid kirim names in each JWE it sends. */
export interface BankDecryptionKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export interface BankKeys {
  readonly signing: RecordSigningKey;
  readonly decryption: BankDecryptionKey;
}

export interface BankKeyMaterial {
  readonly signingKeyPem: string;
  readonly encryptionKeyPem: string;
  /** The bank's public JWKS (the one registered with kirim): the kids are taken from it. */
  readonly jwks: JSONWebKeySetLike;
}

function readPrivateKey(pem: string, what: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    // Never echo the PEM: it is a secret.
    throw new Error(`the ${what} is not a readable PKCS#8 PEM private key`);
  }
}

function sameKey(jwk: JsonWebKey, publicJwk: JsonWebKey): boolean {
  return jwk.kty === publicJwk.kty && jwk.crv === publicJwk.crv && jwk.x === publicJwk.x && jwk.y === publicJwk.y;
}

/** The kid under which `jwks` publishes the public half of `privateKey` for `use`; throws if it does not. */
function kidOf(privateKey: KeyObject, jwks: JSONWebKeySetLike, use: 'sig' | 'enc', what: string): string {
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JsonWebKey;
  const match = (jwks.keys ?? []).find((jwk) => (use === 'sig' ? jwk.use === undefined || jwk.use === 'sig' : jwk.use === 'enc') && sameKey(jwk, publicJwk));
  if (!match) throw new Error(`the ${what}'s public half is not in the bank's JWKS (as "use": "${use}"): kirim would not ${use === 'sig' ? 'trust the answers it signs' : 'encrypt for it'}`);
  if (typeof match.kid !== 'string' || match.kid.length === 0) throw new Error(`the ${what}'s entry in the bank's JWKS has no kid`);
  if ('d' in match) throw new Error("the bank's JWKS holds a private key; it must hold public keys only");
  return match.kid;
}

/** The bank's keys from their PEMs, each with the kid its JWKS gives it. */
export function loadBankKeys(material: BankKeyMaterial): BankKeys {
  const signingPrivate = readPrivateKey(material.signingKeyPem, 'signing key');
  const signing = loadRecordSigningKey(material.signingKeyPem, kidOf(signingPrivate, material.jwks, 'sig', 'signing key'));
  const encryptionPrivate = readPrivateKey(material.encryptionKeyPem, 'encryption key');
  const type = encryptionPrivate.asymmetricKeyType;
  const curve = encryptionPrivate.asymmetricKeyDetails?.namedCurve;
  if (!(type === 'x25519' || (type === 'ec' && curve === 'prime256v1'))) throw new Error(`the encryption key must be X25519 or EC P-256, not ${type ?? 'unknown'}`);
  return { signing, decryption: { kid: kidOf(encryptionPrivate, material.jwks, 'enc', 'encryption key'), privateKey: encryptionPrivate } };
}

/** A freshly generated key set, in memory. */
export interface GeneratedBankKeys {
  readonly signingKeyPem: string;
  readonly encryptionKeyPem: string;
  readonly jwks: { keys: JsonWebKey[] };
  readonly signingKid: string;
  readonly encryptionKid: string;
  /** The PIN verification key, kid `<code>-pvk-<label>`: secret, never in the JWKS. */
  readonly pinVerificationKey: PinVerificationKey;
}

const LABEL_PATTERN = /^[A-Za-z0-9._-]{1,40}$/;

/** The default kid label: the date and 4 random hex digits, so a same-day rotation gets a new kid. */
export function defaultKeyLabel(now: Date = new Date()): string {
  return `${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(2).toString('hex')}`;
}

function checkCodeAndLabel(bankCode: string, label: string): void {
  if (!BANK_CODE_PATTERN.test(bankCode)) throw new Error(`not a bank code: ${JSON.stringify(bankCode)} (four capital letters)`);
  if (!LABEL_PATTERN.test(label)) throw new Error(`a key label holds 1 to 40 letters, digits, ".", "_" or "-"`);
}

/** A new PIN verification key for a bank (32 random bytes), key id `<code>-pvk-<label>`: for a rotation. */
export function generateBankPinVerificationKey(bankCode: string, label: string = defaultKeyLabel()): PinVerificationKey {
  checkCodeAndLabel(bankCode, label);
  return generatePinVerificationKey(`${bankCode.toLowerCase()}-pvk-${label}`);
}

/**
 * New signing (Ed25519) and encryption (X25519) keys for a bank, with kids `<code>-sig-<label>` and
 * `<code>-enc-<label>`, and a PIN verification key `<code>-pvk-<label>`.
 */
export async function generateBankKeys(bankCode: string, label: string = defaultKeyLabel()): Promise<GeneratedBankKeys> {
  checkCodeAndLabel(bankCode, label);
  const code = bankCode.toLowerCase();
  const signingKid = `${code}-sig-${label}`;
  const encryptionKid = `${code}-enc-${label}`;
  const signing = await generateRecordSigningKeyPair(signingKid);
  const encryption = await generateEncryptionKeyPair(encryptionKid);
  return {
    signingKeyPem: signing.privateKeyPem,
    encryptionKeyPem: encryption.privateKeyPem,
    jwks: { keys: [signing.publicJwk, encryption.publicJwk] },
    signingKid,
    encryptionKid,
    pinVerificationKey: generateBankPinVerificationKey(bankCode, label),
  };
}
