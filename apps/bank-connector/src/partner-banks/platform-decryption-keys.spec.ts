import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptHolderName, generateEncryptionKeyPair, generateRecordSigningKeyPair, GeneratedKeyPair, platformEncryptionKeyOf } from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';
import { loadPlatformDecryptionKeys } from './platform-decryption-keys';

/* Reads key files from a temporary folder, as bank-connector does at boot from MESSAGE_DECRYPTION_KEYS_DIR. */
describe('loadPlatformDecryptionKeys', () => {
  let root: string;
  let current: GeneratedKeyPair;
  let previous: GeneratedKeyPair;
  let signing: GeneratedKeyPair;
  let n = 0;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kirim-decryption-keys-'));
    [current, previous, signing] = await Promise.all([generateEncryptionKeyPair('bank-connector:enc-2'), generateEncryptionKeyPair('bank-connector:enc-1'), generateRecordSigningKeyPair('bank-connector:sig-1')]);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A key folder and a platform JWKS file with what they are given. */
  function setUp(files: Record<string, string>, jwksKeys: object[]): { dir: string; jwksFile: string } {
    const dir = join(root, `case-${++n}`);
    const keysDir = join(dir, 'keys');
    mkdirSync(keysDir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(keysDir, name), text);
    writeFileSync(join(dir, 'platform.jwks.json'), JSON.stringify({ keys: jwksKeys }));
    return { dir: keysDir, jwksFile: join(dir, 'platform.jwks.json') };
  }

  const problemsOf = (load: () => unknown): string => {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.join('\n');
    }
    throw new Error('loaded');
  };

  it('loads the current key and the one being rotated out, each under kid bank-connector:<file label>', async () => {
    const { dir, jwksFile } = setUp({ 'enc-2.pem': current.privateKeyPem, 'enc-1.pem': previous.privateKeyPem, 'current.kid': 'bank-connector:enc-2\n' }, [signing.publicJwk, previous.publicJwk, current.publicJwk]);
    const keys = loadPlatformDecryptionKeys({ dir, platformJwksFile: jwksFile, partnerBankCodes: ['XMPL'] });
    expect(keys.kids()).toEqual(['bank-connector:enc-1', 'bank-connector:enc-2']);
    const jwe = await encryptHolderName('Asha Rao', await platformEncryptionKeyOf({ keys: [previous.publicJwk, current.publicJwk] }));
    await expect(keys.openHolderName(jwe)).resolves.toEqual({ ok: true, holderName: 'Asha Rao' });
  });

  it('needs no key while no partner bank is registered, and refuses to start without one when there is', () => {
    expect(loadPlatformDecryptionKeys({ partnerBankCodes: [] }).kids()).toEqual([]);
    expect(problemsOf(() => loadPlatformDecryptionKeys({ partnerBankCodes: ['XMPL'] }))).toMatch(/MESSAGE_DECRYPTION_KEYS_DIR is required: partner banks \(XMPL\)/);
    const { dir, jwksFile } = setUp({}, [signing.publicJwk]);
    expect(problemsOf(() => loadPlatformDecryptionKeys({ dir, platformJwksFile: jwksFile, partnerBankCodes: ['XMPL'] }))).toMatch(/no <label>\.pem key/);
  });

  it('refuses a published encryption key whose private half it does not hold, or holds a different key under that kid', () => {
    const missing = setUp({ 'enc-1.pem': previous.privateKeyPem }, [previous.publicJwk, current.publicJwk]);
    expect(problemsOf(() => loadPlatformDecryptionKeys({ dir: missing.dir, platformJwksFile: missing.jwksFile, partnerBankCodes: ['XMPL'] }))).toMatch(/publishes encryption key bank-connector:enc-2, but .* holds no private key for it/);
    const swapped = setUp({ 'enc-2.pem': previous.privateKeyPem }, [current.publicJwk]);
    expect(problemsOf(() => loadPlatformDecryptionKeys({ dir: swapped.dir, platformJwksFile: swapped.jwksFile, partnerBankCodes: ['XMPL'] }))).toMatch(/private key of bank-connector:enc-2 is not the one the platform JWKS publishes/);
    const unpublished = setUp({ 'enc-2.pem': current.privateKeyPem }, [signing.publicJwk]);
    expect(problemsOf(() => loadPlatformDecryptionKeys({ dir: unpublished.dir, platformJwksFile: unpublished.jwksFile, partnerBankCodes: ['XMPL'] }))).toMatch(/publishes no encryption key of bank-connector/);
  });

  it('names an unreadable or unsuitable key file, never its content', () => {
    const signingPem = setUp({ 'enc-3.pem': 'not a key at all', 'enc-4.pem': '' }, []);
    const problems = problemsOf(() => loadPlatformDecryptionKeys({ dir: signingPem.dir, platformJwksFile: signingPem.jwksFile, partnerBankCodes: ['XMPL'] }));
    expect(problems).toMatch(/enc-3\.pem is not a readable PKCS#8 PEM private key/);
    expect(problems).not.toContain('not a key at all');
    const wrongType = setUp({ 'enc-5.pem': signing.privateKeyPem }, []);
    expect(problemsOf(() => loadPlatformDecryptionKeys({ dir: wrongType.dir, partnerBankCodes: ['XMPL'] }))).toMatch(/bank-connector:enc-5 must be X25519 or EC P-256/);
    expect(problemsOf(() => loadPlatformDecryptionKeys({ dir: join(root, 'nowhere'), partnerBankCodes: ['XMPL'] }))).toMatch(/cannot read .*nowhere \(ENOENT\)/);
  });
});
