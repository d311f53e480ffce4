import crypto from 'node:crypto';
import { RESULT_CODES } from '../values/result-codes';
import {
  formatPinVerificationKey,
  generatePinVerificationKey,
  legacyScryptUpiPinHash,
  parsePinVerificationKeys,
  PinVerificationKey,
  UnknownPinVerificationKeyError,
  UpiPinVerifier,
} from './upi-pin-hash';

const KEYED = /^hmac-sha256\$([A-Za-z0-9._-]+)\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

describe('keyed UPI PIN verification', () => {
  let older: PinVerificationKey;
  let current: PinVerificationKey;
  let verifier: UpiPinVerifier;

  beforeEach(() => {
    older = generatePinVerificationKey('SBXA-pvk-1');
    current = generatePinVerificationKey('SBXA-pvk-2');
    verifier = new UpiPinVerifier([older, current]);
  });

  afterEach(() => jest.restoreAllMocks());

  it('stores hmac-sha256$<current key id>$<salt>$<mac>, salted afresh, never the PIN, and checks it', async () => {
    const first = verifier.hash('2468');
    const second = verifier.hash('2468');
    expect(first).toMatch(KEYED);
    expect(KEYED.exec(first)?.[1]).toBe('SBXA-pvk-2');
    expect(first).not.toContain('2468');
    expect(first).not.toBe(second);
    await expect(verifier.matches('2468', first)).resolves.toBe(true);
    await expect(verifier.matches('2469', first)).resolves.toBe(false);
    await expect(verifier.matches('246800', first)).resolves.toBe(false);
  });

  it('is useless without the key: the same id with other key bytes matches nothing', async () => {
    const stored = verifier.hash('2468');
    const impostor = new UpiPinVerifier([{ keyId: 'SBXA-pvk-2', key: crypto.randomBytes(32) }]);
    await expect(impostor.matches('2468', stored)).resolves.toBe(false);
  });

  it('separates its domain: an HMAC of salt and PIN without the label is not a PIN hash', async () => {
    const salt = crypto.randomBytes(16);
    const unlabelled = crypto.createHmac('sha256', current.key).update(salt).update('2468').digest();
    await expect(verifier.matches('2468', `hmac-sha256$SBXA-pvk-2$${salt.toString('base64url')}$${unlabelled.toString('base64url')}`)).resolves.toBe(false);
  });

  it('compares MACs in constant time, whether the PIN is right or wrong', async () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    const stored = verifier.hash('1357');
    await verifier.matches('1357', stored);
    await verifier.matches('7531', stored);
    expect(compare).toHaveBeenCalledTimes(2);
    for (const [actual, expected] of compare.mock.calls) {
      expect((actual as Buffer).length).toBe(32);
      expect((expected as Buffer).length).toBe(32);
    }
  });

  it('counts wrong PINs, locks at the third with Z6 until reset, and starts again after a right one', async () => {
    const pinHash = verifier.hash('1357');
    await expect(verifier.check(null, '1357')).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_NOT_SET, failedTries: 0 });
    await expect(verifier.check({ pinHash: null, failedTries: 0 }, '1357')).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_NOT_SET, failedTries: 0 });
    await expect(verifier.check({ pinHash, failedTries: 0 }, '0000')).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.WRONG_PIN, failedTries: 1 });
    await expect(verifier.check({ pinHash, failedTries: 2 }, '0000')).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.WRONG_PIN, failedTries: 3 });
    await expect(verifier.check({ pinHash, failedTries: 3 }, '1357')).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED, failedTries: 3 });
    // Under the current key already: nothing to store again.
    await expect(verifier.check({ pinHash, failedTries: 2 }, '1357')).resolves.toEqual({ ok: true, failedTries: 0, upgradedPinHash: null });
  });

  it('after a rotation, a hash under the older key still matches and comes back under the current key', async () => {
    const beforeRotation = new UpiPinVerifier([older]).hash('4321');
    expect(verifier.needsUpgrade(beforeRotation)).toBe(true);
    const decision = await verifier.check({ pinHash: beforeRotation, failedTries: 1 }, '4321');
    expect(decision).toEqual({ ok: true, failedTries: 0, upgradedPinHash: expect.stringMatching(KEYED) });
    const upgraded = decision.ok ? decision.upgradedPinHash ?? '' : '';
    expect(KEYED.exec(upgraded)?.[1]).toBe('SBXA-pvk-2');
    // The upgraded hash no longer needs the older key.
    await expect(new UpiPinVerifier([current]).matches('4321', upgraded)).resolves.toBe(true);
    // A wrong PIN against the older hash is counted and upgrades nothing.
    await expect(verifier.check({ pinHash: beforeRotation, failedTries: 0 }, '1234')).resolves.toEqual(expect.objectContaining({ ok: false, resultCode: RESULT_CODES.WRONG_PIN, failedTries: 1 }));
  });

  it('refuses to decide on a hash under a key it does not hold: a named configuration error, not a wrong PIN', async () => {
    const retiredTooEarly = new UpiPinVerifier([older]).hash('4321');
    const withoutOlder = new UpiPinVerifier([current]);
    await expect(withoutOlder.matches('4321', retiredTooEarly)).rejects.toThrow(UnknownPinVerificationKeyError);
    await expect(withoutOlder.check({ pinHash: retiredTooEarly, failedTries: 0 }, '0000')).rejects.toThrow(/PIN verification key SBXA-pvk-1, which is not loaded/);
  });

  it('still verifies a legacy scrypt hash, and asks for it to be stored again under the current key', async () => {
    const legacy = await legacyScryptUpiPinHash('2580');
    expect(legacy).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(verifier.needsUpgrade(legacy)).toBe(true);
    await expect(verifier.check({ pinHash: legacy, failedTries: 0 }, '0852')).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.WRONG_PIN, failedTries: 1 });
    const decision = await verifier.check({ pinHash: legacy, failedTries: 1 }, '2580');
    expect(decision).toEqual({ ok: true, failedTries: 0, upgradedPinHash: expect.stringMatching(/^hmac-sha256\$SBXA-pvk-2\$/) });
    await expect(verifier.matches('2580', decision.ok ? decision.upgradedPinHash ?? '' : '')).resolves.toBe(true);
  });

  it('throws on a stored hash in no known form, and refuses to hash what is not a PIN', async () => {
    await expect(verifier.matches('1234', 'md5$abc')).rejects.toThrow(/neither the hmac-sha256/);
    expect(() => verifier.hash('12345')).toThrow(/4 or 6 digits/);
  });

  it('needs a key, of 32 bytes, with unique ids', () => {
    expect(() => new UpiPinVerifier([])).toThrow(/needs a PIN verification key/);
    expect(() => new UpiPinVerifier([{ keyId: 'k1', key: Buffer.alloc(16) }])).toThrow(/not 32 bytes/);
    expect(() => new UpiPinVerifier([older, older])).toThrow(/given twice/);
    expect(() => generatePinVerificationKey('no$dollar')).toThrow(/key id/);
  });
});

describe('the PIN verification keys file', () => {
  it('reads one "<keyId> <key>" per line, oldest first, the last current, skipping comments and blank lines', () => {
    const first = generatePinVerificationKey('xmpl-pvk-a');
    const second = generatePinVerificationKey('xmpl-pvk-b');
    const text = `# the bank's PIN verification keys\n${formatPinVerificationKey(first)}\n${formatPinVerificationKey(second)}`;
    const keys = parsePinVerificationKeys(text, 'pin-verification.keys');
    expect(keys.map((key) => key.keyId)).toEqual(['xmpl-pvk-a', 'xmpl-pvk-b']);
    expect(keys[1].key.equals(second.key)).toBe(true);
    expect(new UpiPinVerifier(keys).currentKeyId).toBe('xmpl-pvk-b');
  });

  it('names the file and line of a bad entry, never the key material', () => {
    const key = generatePinVerificationKey('xmpl-pvk-a');
    const encoded = key.key.toString('base64url');
    const problem = (text: string): string => {
      try {
        parsePinVerificationKeys(text, 'keys/pin-verification.keys');
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problem(`xmpl-pvk-a ${encoded.slice(0, 20)}\n`)).toBe('keys/pin-verification.keys line 1: the key of xmpl-pvk-a is not 32 bytes in base64url');
    expect(problem(`\n${encoded}\n`)).toBe('keys/pin-verification.keys line 2 is not "<keyId> <key, base64url>"');
    expect(problem(`bad$id ${encoded}\n`)).toMatch(/line 1: a key id holds/);
    expect(problem(`${formatPinVerificationKey(key)}${formatPinVerificationKey(key)}`)).toBe('keys/pin-verification.keys line 2: key id xmpl-pvk-a is listed twice');
    expect(problem('# nothing\n')).toBe('keys/pin-verification.keys holds no PIN verification key');
    for (const text of [`xmpl-pvk-a ${encoded.slice(0, 20)}\n`, `\n${encoded}\n`]) expect(problem(text)).not.toContain(encoded.slice(0, 20));
  });
});
