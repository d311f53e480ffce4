import { generateEncryptionKeyPair, generateRecordSigningKeyPair } from '@kirim/contracts';
import { fakeJwksFiles } from '../testing/kit-fixtures';
import { generateBankKeys, generateBankPinVerificationKey, loadBankKeys } from './bank-keys';
import { jwksLocationOf, loadJwks } from './jwks-location';
import { PlatformKeyring } from './platform-keyring';

describe('bank keys', () => {
  it('generates Ed25519 signing and X25519 encryption keys with kids named after the bank, and a public JWKS', async () => {
    const keys = await generateBankKeys('XMPL', '20261201');
    expect(keys.jwks.keys).toEqual([
      expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', use: 'sig', kid: 'xmpl-sig-20261201' }),
      expect.objectContaining({ kty: 'OKP', crv: 'X25519', use: 'enc', kid: 'xmpl-enc-20261201' }),
    ]);
    for (const jwk of keys.jwks.keys) expect(jwk).not.toHaveProperty('d');
    expect(keys.signingKeyPem).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('generates a secret PIN verification key of 32 bytes beside them, kept out of the JWKS', async () => {
    const keys = await generateBankKeys('XMPL', '20261201');
    expect(keys.pinVerificationKey.keyId).toBe('xmpl-pvk-20261201');
    expect(keys.pinVerificationKey.key).toHaveLength(32);
    expect(JSON.stringify(keys.jwks)).not.toContain(keys.pinVerificationKey.key.toString('base64url'));
    const rotated = generateBankPinVerificationKey('XMPL', '20270101');
    expect(rotated.keyId).toBe('xmpl-pvk-20270101');
    expect(rotated.key.equals(keys.pinVerificationKey.key)).toBe(false);
    expect(() => generateBankPinVerificationKey('xmpl')).toThrow(/bank code/);
  });

  it('loads the keys with the kids the JWKS gives them', async () => {
    const keys = await generateBankKeys('XMPL', 'a');
    const loaded = loadBankKeys({ signingKeyPem: keys.signingKeyPem, encryptionKeyPem: keys.encryptionKeyPem, jwks: keys.jwks });
    expect(loaded.signing).toMatchObject({ kid: 'xmpl-sig-a', alg: 'EdDSA' });
    expect(loaded.decryption.kid).toBe('xmpl-enc-a');
  });

  it('refuses a signing key whose public half the JWKS does not publish', async () => {
    const keys = await generateBankKeys('XMPL', 'a');
    const other = await generateBankKeys('XMPL', 'b');
    expect(() => loadBankKeys({ signingKeyPem: other.signingKeyPem, encryptionKeyPem: keys.encryptionKeyPem, jwks: keys.jwks })).toThrow(/signing key's public half is not in the bank's JWKS/);
    expect(() => loadBankKeys({ signingKeyPem: keys.signingKeyPem, encryptionKeyPem: other.encryptionKeyPem, jwks: keys.jwks })).toThrow(/encryption key's public half/);
  });

  it('refuses an unreadable PEM without echoing it', () => {
    expect(() => loadBankKeys({ signingKeyPem: 'SECRET-MATERIAL', encryptionKeyPem: 'x', jwks: { keys: [] } })).toThrow(/^the signing key is not a readable PKCS#8 PEM private key$/);
  });

  it('refuses bad bank codes and labels', async () => {
    await expect(generateBankKeys('xmpl')).rejects.toThrow(/bank code/);
    await expect(generateBankKeys('XMPL', 'no spaces')).rejects.toThrow(/label/);
  });
});

describe('JWKS locations', () => {
  it('reads https URLs and paths, refusing plain http', () => {
    expect(jwksLocationOf('https://kirim.example/.well-known/partner-jwks.json')).toEqual({ url: 'https://kirim.example/.well-known/partner-jwks.json' });
    expect(jwksLocationOf('keys/platform.json')).toEqual({ file: 'keys/platform.json' });
    expect(() => jwksLocationOf('http://kirim.example/jwks.json')).toThrow(/https/);
  });

  it('names the location when the content is not a JWKS', async () => {
    const fetchers = { readFile: async () => '{"nope":1}', fetchText: async () => 'not json' };
    await expect(loadJwks({ file: 'platform.json' }, fetchers)).rejects.toThrow('JWKS file platform.json is not a JWKS');
    await expect(loadJwks({ url: 'https://x.example/j' }, fetchers)).rejects.toThrow('JWKS URL https://x.example/j is not JSON');
  });

  it("refuses a platform JWKS without a key of bank-connector", async () => {
    const payments = await generateRecordSigningKeyPair('payments:k1');
    await expect(PlatformKeyring.load({ jwks: { keys: [payments.publicJwk] } })).rejects.toThrow(/no signing key of bank-connector/);
  });

  it("refuses a platform JWKS without kirim's encryption key, and takes the last one listed", async () => {
    const connector = await generateRecordSigningKeyPair('bank-connector:k1');
    await expect(PlatformKeyring.load({ jwks: { keys: [connector.publicJwk] } })).rejects.toThrow(/no encryption key of bank-connector.*so no holder name could be sent/);
    const old = await generateEncryptionKeyPair('bank-connector:enc-1');
    const current = await generateEncryptionKeyPair('bank-connector:enc-2');
    const foreign = await generateEncryptionKeyPair('payments:enc-3');
    const keyring = await PlatformKeyring.load({ jwks: { keys: [connector.publicJwk, old.publicJwk, current.publicJwk, foreign.publicJwk] } });
    expect(keyring.encryptionKey().kid).toBe('bank-connector:enc-2');
  });

  it("picks up kirim's new encryption key on the next reload, and keeps the old keys when a reload fails", async () => {
    const connector = await generateRecordSigningKeyPair('bank-connector:k1');
    const first = await generateEncryptionKeyPair('bank-connector:enc-1');
    const second = await generateEncryptionKeyPair('bank-connector:enc-2');
    const files = new Map([['platform.json', { keys: [connector.publicJwk, first.publicJwk] }]]);
    let clockMs = 0;
    const keyring = await PlatformKeyring.load({ file: 'platform.json' }, { fetchers: fakeJwksFiles(files), now: () => clockMs, minRefreshIntervalMs: 1_000 });
    files.set('platform.json', { keys: [connector.publicJwk, first.publicJwk, second.publicJwk] });
    clockMs = 2_000;
    await expect(keyring.refresh()).resolves.toBe(true);
    expect(keyring.encryptionKey().kid).toBe('bank-connector:enc-2');
    files.set('platform.json', { keys: [connector.publicJwk] });
    clockMs = 4_000;
    await expect(keyring.refresh()).resolves.toBe(false);
    expect(keyring.encryptionKey().kid).toBe('bank-connector:enc-2');
  });
});
