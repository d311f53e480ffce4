import { createPrivateKey } from 'node:crypto';
import { accountDigest, decryptForBank, encryptForBank } from './bank-encryption';
import { bankEncryptionKeyOf, generateEncryptionKeyPair, generateRecordSigningKeyPair } from './message-keys';
import { COMPACT_JWE_PATTERN, SHA256_BASE64URL_PATTERN } from '../events/partner';

describe('account data encrypted for one bank', () => {
  it('is readable by that bank only', async () => {
    const bank = await generateEncryptionKeyPair('xmpl-enc-1');
    const otherBank = await generateEncryptionKeyPair('othr-enc-1');
    const key = await bankEncryptionKeyOf({ keys: [bank.publicJwk] });
    const jwe = await encryptForBank({ accountRef: '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01' }, key);

    expect(jwe).toMatch(COMPACT_JWE_PATTERN);
    expect(jwe).not.toContain('6f1d3c1e');
    await expect(decryptForBank(jwe, createPrivateKey(bank.privateKeyPem))).resolves.toEqual({ accountRef: '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01' });
    await expect(decryptForBank(jwe, createPrivateKey(otherBank.privateKeyPem))).rejects.toThrow();
  });

  it('uses the last encryption key a JWKS lists and ignores signing keys', async () => {
    const signing = await generateRecordSigningKeyPair('xmpl-sig-1');
    const old = await generateEncryptionKeyPair('xmpl-enc-1');
    const current = await generateEncryptionKeyPair('xmpl-enc-2');
    expect((await bankEncryptionKeyOf({ keys: [signing.publicJwk, old.publicJwk, current.publicJwk] })).kid).toBe('xmpl-enc-2');
    await expect(bankEncryptionKeyOf({ keys: [signing.publicJwk] })).rejects.toThrow(/no encryption key/);
  });

  it('refuses a JWKS that publishes a private key', async () => {
    const bank = await generateEncryptionKeyPair('xmpl-enc-1');
    await expect(bankEncryptionKeyOf({ keys: [{ ...bank.publicJwk, d: 'secret' }] })).rejects.toThrow(/private key/);
  });
});

describe('accountDigest', () => {
  it('binds the account to the request without naming it', () => {
    const digest = accountDigest('f4a5d0c2-0d5e-4a6f-9a43-4a3c1fb9e0a1', '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01');
    expect(digest).toMatch(SHA256_BASE64URL_PATTERN);
    expect(accountDigest('f4a5d0c2-0d5e-4a6f-9a43-4a3c1fb9e0a2', '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01')).not.toBe(digest);
  });
});
