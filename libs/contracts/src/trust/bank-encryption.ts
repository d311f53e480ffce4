import { createHash } from 'node:crypto';
import { compactDecrypt, CompactEncrypt, KeyLike } from 'jose';
import type { BankEncryptionKey } from './message-keys';

/**
 * Account data leaves kirim only encrypted for the bank that holds the account: a compact JWE
 * (RFC 7516) with ECDH-ES key agreement on the bank's public key and A256GCM, so no one else on the
 * topic, broker operators included, can read it.
 */
export async function encryptForBank(plaintext: object, bankKey: BankEncryptionKey): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(plaintext)))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: bankKey.kid, cty: 'json' })
    .encrypt(bankKey.key);
}

/** The bank's side: the JSON a JWE for its key holds. Throws if it is not for this key or was altered. */
export async function decryptForBank(jwe: string, privateKey: KeyLike): Promise<unknown> {
  const { plaintext } = await compactDecrypt(jwe, privateKey, { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A256GCM'] });
  return JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
}

/**
 * What a bank's answer says about the account it acted on, without naming it: base64url SHA-256 of
 * `<requestId>:<accountRef>`. Bound to the request, so equal digests never link two requests.
 */
export function accountDigest(requestId: string, accountRef: string): string {
  return createHash('sha256').update(`${requestId}:${accountRef}`).digest('base64url');
}
