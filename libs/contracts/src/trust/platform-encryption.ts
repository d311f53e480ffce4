import { createPrivateKey, KeyObject } from 'node:crypto';
import { compactDecrypt, decodeProtectedHeader, JSONWebKeySet } from 'jose';
import { COMPACT_JWE_PATTERN, MAX_ENCRYPTED_HOLDER_NAME_LENGTH, PartnerHolderNamePlaintext } from '../events/partner';
import { SERVICE_PRINCIPALS } from '../principals';
import { HOLDER_NAME_MAX_LENGTH, HOLDER_NAME_PATTERN } from '../values/identifiers';
import { encryptForBank } from './bank-encryption';
import { BankEncryptionKey, bankEncryptionKeyOf, principalOfPlatformKeyId } from './message-keys';

/**
 * The partner -> kirim direction of bank-encryption.ts: what a bank tells kirim about a customer (the
 * holder's name in an account-lookup answer) travels as a compact JWE (ECDH-ES + A256GCM, the same
 * format) for kirim's own encryption key, so no one else on the topic, broker operators and the
 * topic's other readers included, can read it. The key is bank-connector's, the only kirim service
 * that reads partner answers: `use: "enc"` in the platform JWKS, kid `bank-connector:enc-<label>`.
 */

/** The kirim principal partners encrypt for: the reader of every `partner.<bank>.responses.v1`. */
export const PLATFORM_DECRYPTING_PRINCIPAL = SERVICE_PRINCIPALS.BANK_CONNECTOR;

/**
 * The key a bank encrypts for: the last `use: "enc"` key of the platform JWKS whose kid names
 * `principal`. kirim lists the current key last during a rotation, as banks do (bankEncryptionKeyOf).
 */
export async function platformEncryptionKeyOf(jwks: JSONWebKeySet, principal: string = PLATFORM_DECRYPTING_PRINCIPAL): Promise<BankEncryptionKey> {
  if (!jwks || !Array.isArray(jwks.keys)) throw new Error('a JWKS must be an object with a "keys" array');
  const owned = jwks.keys.filter((jwk) => jwk.use === 'enc' && typeof jwk.kid === 'string' && principalOfPlatformKeyId(jwk.kid) === principal);
  if (owned.length === 0) throw new Error(`the platform JWKS has no encryption key of ${principal} ("use": "enc", kid "${principal}:<label>")`);
  return bankEncryptionKeyOf({ keys: owned });
}

/** Whether `holderName` is a name the contract accepts (HOLDER_NAME_PATTERN, at most HOLDER_NAME_MAX_LENGTH characters). */
export function isContractHolderName(holderName: unknown): holderName is string {
  return typeof holderName === 'string' && [...holderName].length <= HOLDER_NAME_MAX_LENGTH && HOLDER_NAME_PATTERN.test(holderName);
}

/** The bank's side: `encryptedHolderName` for one account of a lookup answer. Refuses a name the contract would not accept. */
export async function encryptHolderName(holderName: string, kirimKey: BankEncryptionKey): Promise<string> {
  if (!isContractHolderName(holderName)) {
    throw new Error(`a holder name must be 1 to ${HOLDER_NAME_MAX_LENGTH} characters: letters, digits, spaces and . , ' & ( ) / -, starting with a letter or digit`);
  }
  const plaintext: PartnerHolderNamePlaintext = { holderName };
  return encryptForBank(plaintext, kirimKey);
}

export type OpenedHolderName = { readonly ok: true; readonly holderName: string } | { readonly ok: false; readonly reason: string };

/** A kid from outside, fit to quote in a reason: bounded and printable. */
function quotedKid(kid: unknown): string {
  return typeof kid === 'string' ? JSON.stringify(kid.slice(0, 80).replace(/[^\x20-\x7e]/g, '?')) : '(none)';
}

/**
 * kirim's private encryption keys by kid: the current one and any being rotated out (a bank that has
 * not reloaded the platform JWKS yet still encrypts for the previous key). Opens what banks
 * encrypted for kirim; the keys never leave this object.
 */
export class PlatformDecryptionKeys {
  private constructor(private readonly byKid: ReadonlyMap<string, KeyObject>) {}

  /**
   * The keys of `principal` from their PKCS#8 PEMs. Every kid must be `<principal>:<label>` and
   * every key X25519 or P-256; errors name the kid, never the key.
   */
  static fromPem(principal: string, keys: readonly { readonly kid: string; readonly pem: string }[]): PlatformDecryptionKeys {
    const byKid = new Map<string, KeyObject>();
    for (const { kid, pem } of keys) {
      if (principalOfPlatformKeyId(kid) !== principal) throw new Error(`encryption key id ${quotedKid(kid)} must be ${principal}:<label>`);
      if (byKid.has(kid)) throw new Error(`encryption key id ${kid} appears twice`);
      let key: KeyObject;
      try {
        key = createPrivateKey(pem);
      } catch {
        throw new Error(`encryption key ${kid} is not a readable PKCS#8 PEM private key`);
      }
      const supported = key.asymmetricKeyType === 'x25519' || (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1');
      if (!supported) throw new Error(`encryption key ${kid} must be X25519 or EC P-256, not ${key.asymmetricKeyType ?? 'unknown'}`);
      byKid.set(kid, key);
    }
    return new PlatformDecryptionKeys(byKid);
  }

  kids(): string[] {
    return [...this.byKid.keys()].sort();
  }

  /**
   * The holder's name inside `jwe`, or why it cannot be had: not a compact JWE, too long, encrypted
   * for a key kirim does not hold (by kid), altered or not for that key, or holding something else
   * than a name. Reasons never quote the plaintext.
   */
  async openHolderName(jwe: string): Promise<OpenedHolderName> {
    if (typeof jwe !== 'string' || jwe.length > MAX_ENCRYPTED_HOLDER_NAME_LENGTH || !COMPACT_JWE_PATTERN.test(jwe)) {
      return { ok: false, reason: `encryptedHolderName is not a compact JWE of at most ${MAX_ENCRYPTED_HOLDER_NAME_LENGTH} characters` };
    }
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(jwe).kid;
    } catch {
      return { ok: false, reason: 'encryptedHolderName has no readable protected header' };
    }
    const key = typeof kid === 'string' ? this.byKid.get(kid) : undefined;
    if (!key) return { ok: false, reason: `encryptedHolderName is encrypted for key ${quotedKid(kid)}, which is not an encryption key kirim holds (${this.kids().join(', ') || 'none'})` };
    let plaintext: Uint8Array;
    try {
      ({ plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A256GCM'] }));
    } catch {
      return { ok: false, reason: `encryptedHolderName does not decrypt with key ${quotedKid(kid)} (altered, or not ECDH-ES/A256GCM for that key)` };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
    } catch {
      return { ok: false, reason: 'encryptedHolderName does not hold JSON' };
    }
    const fields = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed) : [];
    const holderName = fields.length === 1 && fields[0] === 'holderName' ? (parsed as PartnerHolderNamePlaintext).holderName : undefined;
    if (!isContractHolderName(holderName)) {
      return { ok: false, reason: `encryptedHolderName must hold {"holderName": <1 to ${HOLDER_NAME_MAX_LENGTH} characters of a name>} and nothing else` };
    }
    return { ok: true, holderName };
  }
}
