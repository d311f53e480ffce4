/**
 * The local stack's message keys (deploy/local/message-keys.ts) in a temporary folder: the platform
 * JWKS lists bank-connector's encryption key beside the signing keys, a rotation keeps the old private
 * key (answers encrypted for it still open) and lists the new key last, and retiring drops the old one.
 * Writes files: a temporary folder, removed afterwards.
 */
import 'reflect-metadata';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptHolderName, JSONWebKeySetLike, PlatformDecryptionKeys, platformEncryptionKeyOf, TrustedSigningKeys } from '@kirim/contracts';
import { encryptionKeyDir, runMessageKeys, signingServices } from './message-keys';

describe('deploy/local/message-keys.ts', () => {
  let dir: string;
  const jwks = (): JSONWebKeySetLike => JSON.parse(readFileSync(join(dir, 'platform.jwks.json'), 'utf8')) as JSONWebKeySetLike;
  /** bank-connector's private keys as it reads them from MESSAGE_DECRYPTION_KEYS_DIR. */
  const decryptionKeys = (): PlatformDecryptionKeys => {
    const keyDir = encryptionKeyDir(dir, 'bank-connector');
    const pems = readdirSync(keyDir)
      .filter((file) => file.endsWith('.pem'))
      .map((file) => ({ kid: `bank-connector:${file.slice(0, -'.pem'.length)}`, pem: readFileSync(join(keyDir, file), 'utf8') }));
    return PlatformDecryptionKeys.fromPem('bank-connector', pems);
  };
  const encryptionKids = (): string[] => (jwks().keys ?? []).filter((key) => key.use === 'enc').map((key) => key.kid as string);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kirim-message-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes once the signing keys and bank-connector's encryption key, all public halves in one platform JWKS", async () => {
    await runMessageKeys(['ensure', dir]);
    const first = jwks();
    const signing = await TrustedSigningKeys.ofPlatform(first);
    expect(signing.principals()).toEqual(signingServices());
    expect(encryptionKids()).toEqual([expect.stringMatching(/^bank-connector:enc-\d{8}-\d{6}$/)]);
    expect(first.keys?.every((key) => !('d' in key))).toBe(true);
    const keyDir = encryptionKeyDir(dir, 'bank-connector');
    for (const file of readdirSync(keyDir).filter((name) => name.endsWith('.pem'))) expect(statSync(join(keyDir, file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(keyDir, 'current.kid'), 'utf8').trim()).toBe(encryptionKids()[0]);
    await runMessageKeys(['ensure', dir]);
    expect(jwks()).toEqual(first);
  });

  it('rotates the encryption key with two valid at once, the new one listed last, then retires the old one', async () => {
    const [old] = encryptionKids();
    const beforeRotation = await encryptHolderName('Asha Rao', await platformEncryptionKeyOf(jwks()));
    await runMessageKeys(['rotate', dir, 'bank-connector', 'encryption']);
    const [kept, current] = encryptionKids();
    expect(kept).toBe(old);
    expect(current).not.toBe(old);
    expect((await platformEncryptionKeyOf(jwks())).kid).toBe(current);
    // A bank that still encrypts for the old key, and one that has reloaded: both open.
    const afterRotation = await encryptHolderName('Ravi Shankar', await platformEncryptionKeyOf(jwks()));
    await expect(decryptionKeys().openHolderName(beforeRotation)).resolves.toEqual({ ok: true, holderName: 'Asha Rao' });
    await expect(decryptionKeys().openHolderName(afterRotation)).resolves.toEqual({ ok: true, holderName: 'Ravi Shankar' });
    // Signing keys are untouched by an encryption rotation.
    expect((await TrustedSigningKeys.ofPlatform(jwks())).principals()).toEqual(signingServices());

    await runMessageKeys(['retire', dir, 'bank-connector', 'encryption']);
    expect(encryptionKids()).toEqual([current]);
    expect(decryptionKeys().kids()).toEqual([current]);
    await expect(decryptionKeys().openHolderName(beforeRotation)).resolves.toMatchObject({ ok: false, reason: expect.stringMatching(/not an encryption key kirim holds/) });
  });

  it('refuses an encryption rotation of a service partners do not encrypt for', async () => {
    await expect(runMessageKeys(['rotate', dir, 'payments', 'encryption'])).rejects.toThrow(/must be one of: bank-connector \(encryption keys\)/);
    await expect(runMessageKeys(['rotate', dir, 'bank-connector', 'sideways'])).rejects.toThrow(/usage/);
  });
});
