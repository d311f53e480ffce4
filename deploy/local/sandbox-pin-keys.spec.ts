/**
 * The sandbox banks' UPI PIN keys (deploy/local/sandbox-pin-keys.js) in a temporary folder: `ensure`
 * makes a PIN key and a PIN verification key per bank, adds only the second to a folder made before
 * it existed, rotate-verification appends a new current key, and retire-verification removes an old
 * one but never the current one. bank-connector's reading of the same folders is checked in
 * apps/bank-connector/src/sandbox-bank/upi-pin/sandbox-pin-keys.spec.ts.
 * Writes files: a temporary folder, removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePinVerificationKeys } from '@kirim/contracts';

const SCRIPT = join(__dirname, 'sandbox-pin-keys.js');

describe('deploy/local/sandbox-pin-keys.js', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kirim-sandbox-pin-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  const verificationKeyIds = (bank: string): string[] =>
    parsePinVerificationKeys(readFileSync(join(dir, bank, 'pin-verification.keys'), 'utf8'), 'pin-verification.keys').map((key) => key.keyId);

  it('makes a PIN key and a PIN verification key per bank, 0600, printing ids only', () => {
    const made = run('ensure', dir, 'SBXA', 'SBXB');
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/^SBXA: SBXA-pin-\w+, PIN verification SBXA-pvk-\w+$/m);
    for (const bank of ['SBXA', 'SBXB']) {
      expect(verificationKeyIds(bank)).toEqual([expect.stringMatching(new RegExp(`^${bank}-pvk-`))]);
      expect(statSync(join(dir, bank, 'pin-verification.keys')).mode & 0o777).toBe(0o600);
      const secret = readFileSync(join(dir, bank, 'pin-verification.keys'), 'utf8').trim().split(' ')[1];
      expect(made.stdout).not.toContain(secret);
    }
  });

  it('adds only the PIN verification key to a folder made before it existed, and otherwise changes nothing', () => {
    const pemsBefore = readdirSync(join(dir, 'SBXB')).filter((file) => file.endsWith('.pem'));
    const sbxaKeys = readFileSync(join(dir, 'SBXA', 'pin-verification.keys'), 'utf8');
    unlinkSync(join(dir, 'SBXB', 'pin-verification.keys'));
    expect(run('ensure', dir, 'SBXA', 'SBXB').status).toBe(0);
    expect(verificationKeyIds('SBXB')).toHaveLength(1);
    expect(readdirSync(join(dir, 'SBXB')).filter((file) => file.endsWith('.pem'))).toEqual(pemsBefore);
    expect(readFileSync(join(dir, 'SBXA', 'pin-verification.keys'), 'utf8')).toBe(sbxaKeys);
  });

  it('rotates the PIN verification key by appending a new current one, and retires only an old one', () => {
    const [first] = verificationKeyIds('SBXA');
    expect(run('rotate-verification', dir, 'SBXA').status).toBe(0);
    const [, second] = verificationKeyIds('SBXA');
    expect(verificationKeyIds('SBXA')).toEqual([first, expect.stringMatching(/^SBXA-pvk-/)]);
    expect(second).not.toBe(first);

    const refused = run('retire-verification', dir, 'SBXA', second);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is the current PIN verification key of SBXA; rotate-verification first/);
    expect(run('retire-verification', dir, 'SBXA', 'SBXA-pvk-unknown').stderr).toMatch(/has no PIN verification key SBXA-pvk-unknown/);
    expect(run('retire-verification', dir, 'SBXA', first).status).toBe(0);
    expect(verificationKeyIds('SBXA')).toEqual([second]);
    expect(statSync(join(dir, 'SBXA', 'pin-verification.keys')).mode & 0o777).toBe(0o600);
  });
});
