import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { CompactEncrypt, exportJWK, importJWK, KeyLike } from 'jose';
import { COMPACT_JWE_PATTERN, MAX_ENCRYPTED_HOLDER_NAME_LENGTH, PartnerAccountLookupAnswered } from '../events/partner';
import { validatePayload } from '../validation';
import { encryptForBank } from './bank-encryption';
import { generateEncryptionKeyPair, generateRecordSigningKeyPair, GeneratedKeyPair } from './message-keys';
import { encryptHolderName, PlatformDecryptionKeys, platformEncryptionKeyOf } from './platform-encryption';

const CURRENT = 'bank-connector:enc-2';
const PREVIOUS = 'bank-connector:enc-1';

describe('holder names encrypted for kirim (partner -> kirim)', () => {
  let current: GeneratedKeyPair;
  let previous: GeneratedKeyPair;
  let keys: PlatformDecryptionKeys;

  beforeAll(async () => {
    [current, previous] = await Promise.all([generateEncryptionKeyPair(CURRENT), generateEncryptionKeyPair(PREVIOUS)]);
    keys = PlatformDecryptionKeys.fromPem('bank-connector', [
      { kid: CURRENT, pem: current.privateKeyPem },
      { kid: PREVIOUS, pem: previous.privateKeyPem },
    ]);
  });

  it("encrypts for the last bank-connector encryption key of the platform JWKS, ignoring signing keys and other services' keys", async () => {
    const signing = await generateRecordSigningKeyPair('bank-connector:sig-1');
    const payments = await generateEncryptionKeyPair('payments:enc-9');
    const key = await platformEncryptionKeyOf({ keys: [signing.publicJwk, previous.publicJwk, current.publicJwk, payments.publicJwk] });
    expect(key.kid).toBe(CURRENT);
    await expect(platformEncryptionKeyOf({ keys: [signing.publicJwk, payments.publicJwk] })).rejects.toThrow(/no encryption key of bank-connector/);
    await expect(platformEncryptionKeyOf({ keys: [{ ...current.publicJwk, d: 'secret' }] })).rejects.toThrow(/private key/);
  });

  it('opens a name encrypted for the current key or for the one being rotated out, and the JWE names no one', async () => {
    const forCurrent = await encryptHolderName('Asha Rao', await platformEncryptionKeyOf({ keys: [current.publicJwk] }));
    const forPrevious = await encryptHolderName('Ravi Shankar', await platformEncryptionKeyOf({ keys: [previous.publicJwk] }));
    expect(forCurrent).toMatch(COMPACT_JWE_PATTERN);
    expect(forCurrent).not.toContain('Asha');
    expect(Buffer.from(forCurrent.split('.')[0] ?? '', 'base64url').toString()).not.toContain('Asha');
    await expect(keys.openHolderName(forCurrent)).resolves.toEqual({ ok: true, holderName: 'Asha Rao' });
    await expect(keys.openHolderName(forPrevious)).resolves.toEqual({ ok: true, holderName: 'Ravi Shankar' });
  });

  it('fits the longest name the contract allows, on a P-256 key, inside the contract bound', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = `bank-connector:enc-${'x'.repeat(60)}`;
    const p256 = PlatformDecryptionKeys.fromPem('bank-connector', [{ kid, pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }]);
    const longest = `𝐀${'ञ'.repeat(99)}`;
    const jwe = await encryptHolderName(longest, { kid, key: (await importJWK({ ...(await exportJWK(publicKey)), alg: 'ECDH-ES' }, 'ECDH-ES')) as KeyLike });
    expect(jwe.length).toBeLessThan(MAX_ENCRYPTED_HOLDER_NAME_LENGTH);
    await expect(p256.openHolderName(jwe)).resolves.toEqual({ ok: true, holderName: longest });
  });

  it('refuses to encrypt what is not a name', async () => {
    const key = await platformEncryptionKeyOf({ keys: [current.publicJwk] });
    await expect(encryptHolderName('', key)).rejects.toThrow(/holder name/);
    await expect(encryptHolderName('a'.repeat(101), key)).rejects.toThrow(/holder name/);
    await expect(encryptHolderName('Asha\nRao', key)).rejects.toThrow(/holder name/);
  });

  describe('refuses, with a reason that quotes no name', () => {
    const reasonOf = async (jwe: string): Promise<string> => {
      const opened = await keys.openHolderName(jwe);
      if (opened.ok) throw new Error('opened');
      expect(opened.reason).not.toContain('Asha');
      return opened.reason;
    };

    it('a JWE for a key kirim does not hold, by kid', async () => {
      const stranger = await generateEncryptionKeyPair('bank-connector:enc-stranger');
      await expect(reasonOf(await encryptHolderName('Asha Rao', await platformEncryptionKeyOf({ keys: [stranger.publicJwk] })))).resolves.toMatch(/"bank-connector:enc-stranger", which is not an encryption key kirim holds/);
    });

    it("a JWE for another key under a kid kirim holds", async () => {
      const stranger = await generateEncryptionKeyPair(CURRENT);
      await expect(reasonOf(await encryptHolderName('Asha Rao', await platformEncryptionKeyOf({ keys: [stranger.publicJwk] })))).resolves.toMatch(/does not decrypt with key "bank-connector:enc-2"/);
    });

    it('a JWE altered in transit', async () => {
      const jwe = await encryptHolderName('Asha Rao', await platformEncryptionKeyOf({ keys: [current.publicJwk] }));
      const parts = jwe.split('.');
      const ciphertext = Buffer.from(parts[3] ?? '', 'base64url');
      ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
      parts[3] = ciphertext.toString('base64url');
      await expect(reasonOf(parts.join('.'))).resolves.toMatch(/does not decrypt/);
    });

    it('another algorithm than ECDH-ES + A256GCM', async () => {
      const key = await platformEncryptionKeyOf({ keys: [current.publicJwk] });
      const jwe = await new CompactEncrypt(new TextEncoder().encode('{"holderName":"Asha Rao"}')).setProtectedHeader({ alg: 'ECDH-ES+A128KW', enc: 'A128GCM', kid: CURRENT }).encrypt(key.key);
      await expect(reasonOf(jwe)).resolves.toMatch(/does not decrypt/);
    });

    it.each([
      ['no name', { holder: 'Asha Rao' }],
      ['more than the name', { holderName: 'Asha Rao', mobile: '+919800000001' }],
      ['a name with a control character', { holderName: 'Asha\u0000Rao' }],
      ['a number', { holderName: 42 }],
    ])('a plaintext with %s', async (_what, plaintext) => {
      const jwe = await encryptForBank(plaintext, await platformEncryptionKeyOf({ keys: [current.publicJwk] }));
      await expect(reasonOf(jwe)).resolves.toMatch(/must hold \{"holderName"/);
    });

    it('something that is not a compact JWE, or too long', async () => {
      await expect(reasonOf('Asha Rao')).resolves.toMatch(/not a compact JWE/);
      await expect(reasonOf(`${'a'.repeat(MAX_ENCRYPTED_HOLDER_NAME_LENGTH)}..a.a.a`)).resolves.toMatch(/not a compact JWE/);
      await expect(reasonOf('bm90IGpzb24..YQ.YQ.YQ')).resolves.toMatch(/no readable protected header/);
    });
  });

  it('refuses keys that are not X25519 or P-256, or whose kid names another service', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => PlatformDecryptionKeys.fromPem('bank-connector', [{ kid: 'bank-connector:enc-1', pem: ed }])).toThrow(/X25519 or EC P-256/);
    expect(() => PlatformDecryptionKeys.fromPem('bank-connector', [{ kid: 'payments:enc-1', pem: current.privateKeyPem }])).toThrow(/must be bank-connector:<label>/);
    expect(() => PlatformDecryptionKeys.fromPem('bank-connector', [{ kid: 'bank-connector:enc-1', pem: 'not a pem' }])).toThrow(/not a readable PKCS#8 PEM/);
    expect(createPrivateKey(current.privateKeyPem).asymmetricKeyType).toBe('x25519');
  });
});

describe('PartnerAccountLookupAnswered (contract)', () => {
  const account = { accountRef: '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01', maskedAccountNumber: 'XXXXXXXX1234' };
  const answer = (accounts: object[]) => ({ lookupId: 'f4a5d0c2-0d5e-4a6f-9a43-4a3c1fb9e0a1', bankCode: 'XMPL', accounts });

  it('takes the holder name only encrypted: a name in clear is refused, alone or beside the JWE', async () => {
    const key = await platformEncryptionKeyOf({ keys: [(await generateEncryptionKeyPair('bank-connector:enc-1')).publicJwk] });
    const encryptedHolderName = await encryptHolderName('Asha Rao', key);
    expect(validatePayload(PartnerAccountLookupAnswered, answer([{ ...account, encryptedHolderName }])).ok).toBe(true);
    expect(validatePayload(PartnerAccountLookupAnswered, answer([{ ...account, holderName: 'Asha Rao' }])).ok).toBe(false);
    expect(validatePayload(PartnerAccountLookupAnswered, answer([{ ...account, encryptedHolderName, holderName: 'Asha Rao' }])).ok).toBe(false);
    expect(validatePayload(PartnerAccountLookupAnswered, answer([{ ...account, encryptedHolderName: 'Asha Rao' }])).ok).toBe(false);
    expect(validatePayload(PartnerAccountLookupAnswered, answer([{ ...account, encryptedHolderName: `${encryptedHolderName}${'A'.repeat(MAX_ENCRYPTED_HOLDER_NAME_LENGTH)}` }])).ok).toBe(false);
  });
});
