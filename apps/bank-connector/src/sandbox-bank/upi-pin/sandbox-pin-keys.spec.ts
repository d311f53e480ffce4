import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@kirim/platform';
import { PIN_VERIFICATION_KEYS_FILE, SandboxPinKeys } from './sandbox-pin-keys';

/* Reads the folders deploy/local/sandbox-pin-keys.js makes, as bank-connector does at boot from SANDBOX_PIN_KEYS_DIR. */
const SCRIPT = resolve(__dirname, '../../../../../deploy/local/sandbox-pin-keys.js');

describe('SandboxPinKeys', () => {
  let root: string;
  let n = 0;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kirim-sandbox-pin-keys-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function keysCommand(...args: string[]): string {
    return execFileSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  }

  /** A fresh folder with every sandbox bank's keys, as `ensure` makes them. */
  function ensured(...banks: string[]): string {
    const dir = join(root, `case-${++n}`);
    keysCommand('ensure', dir, ...banks);
    return dir;
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

  it('loads each bank’s PIN key and its PIN verification key from one flat folder per bank', async () => {
    const dir = ensured('SBXA', 'SBXB');
    const keys = SandboxPinKeys.load(dir, ['SBXA', 'SBXB']);
    expect(keys.publicKeyOf('SBXA')).toMatchObject({ kty: 'OKP', crv: 'X25519', kid: expect.stringMatching(/^SBXA-pin-/), use: 'enc' });
    const verifier = keys.pinVerifierOf('SBXA');
    expect(verifier.currentKeyId).toMatch(/^SBXA-pvk-/);
    const pinHash = verifier.hash('2468');
    await expect(verifier.matches('2468', pinHash)).resolves.toBe(true);
    // Each bank has its own key: SBXB cannot check SBXA's hashes.
    await expect(keys.pinVerifierOf('SBXB').matches('2468', pinHash)).rejects.toThrow(/not loaded/);
  });

  it('stops the boot, naming the bank and the file, when a bank has PIN keys but no PIN verification key', () => {
    const dir = ensured('SBXA', 'SBXB');
    unlinkSync(join(dir, 'SBXB', PIN_VERIFICATION_KEYS_FILE));
    const problems = problemsOf(() => SandboxPinKeys.load(dir, ['SBXA', 'SBXB']));
    expect(problems).toMatch(new RegExp(`sandbox bank SBXB .*no PIN verification key: cannot read .*SBXB/${PIN_VERIFICATION_KEYS_FILE} \\(ENOENT\\).*run deploy/local/sandbox-pin-keys.js ensure`));
    expect(problems).not.toMatch(/SBXA/);
    // The next `ensure` (every stack start) adds it, changing nothing else.
    const pinKey = readFileSync(join(dir, 'SBXB', 'current.kid'), 'utf8');
    keysCommand('ensure', dir, 'SBXA', 'SBXB');
    expect(readFileSync(join(dir, 'SBXB', 'current.kid'), 'utf8')).toBe(pinKey);
    expect(SandboxPinKeys.load(dir, ['SBXA', 'SBXB']).pinVerifierOf('SBXB').currentKeyId).toMatch(/^SBXB-pvk-/);
  });

  it('names the line of a malformed PIN verification key, never the key material', () => {
    const dir = ensured('SBXA');
    const file = join(dir, 'SBXA', PIN_VERIFICATION_KEYS_FILE);
    const secret = readFileSync(file, 'utf8').trim().split(' ')[1];
    writeFileSync(file, `SBXA-pvk-short ${secret.slice(0, 30)}\n`);
    const problems = problemsOf(() => SandboxPinKeys.load(dir, ['SBXA']));
    expect(problems).toMatch(/line 1: the key of SBXA-pvk-short is not 32 bytes in base64url/);
    expect(problems).not.toContain(secret.slice(0, 30));
  });

  it('after rotate-verification, hashes under the new key and still checks those under the older one', async () => {
    const dir = ensured('SBXA');
    const before = SandboxPinKeys.load(dir, ['SBXA']).pinVerifierOf('SBXA');
    const oldHash = before.hash('1357');
    keysCommand('rotate-verification', dir, 'SBXA');
    const after = SandboxPinKeys.load(dir, ['SBXA']).pinVerifierOf('SBXA');
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    await expect(after.matches('1357', oldHash)).resolves.toBe(true);
    expect(after.needsUpgrade(oldHash)).toBe(true);
    // A comment line in the file is allowed (an operator's note), and the last key line stays current.
    appendFileSync(join(dir, 'SBXA', PIN_VERIFICATION_KEYS_FILE), '# rotated for the test\n');
    expect(SandboxPinKeys.load(dir, ['SBXA']).pinVerifierOf('SBXA').currentKeyId).toBe(after.currentKeyId);
  });

  it('has no verifier for a bank without keys (no SANDBOX_PIN_KEYS_DIR)', () => {
    expect(() => SandboxPinKeys.none().pinVerifierOf('SBXA')).toThrow(/no PIN verification key loaded/);
  });
});
