import { createPrivateKey, KeyObject } from 'node:crypto';
import { CompactEncrypt } from 'jose';
import { Money } from '../values/money';
import { RESULT_CODES } from '../values/result-codes';
import { bankEncryptionKeyOf, BankEncryptionKey, generateEncryptionKeyPair } from './message-keys';
import { encryptPinBlock, isEncryptedPinShape, openPinBlock, PIN_BLOCK_MAX_AGE_SECONDS, pinBlockIdOf } from './upi-pin';

const NOW = 1_764_630_000;
const amount = (value: string): Money => Money.parse({ value, currency: 'INR' }) as Money;

describe('UPI PIN blocks', () => {
  let bankKey: BankEncryptionKey;
  let privateKey: KeyObject;
  let keyFor: (kid: string) => KeyObject | undefined;

  beforeAll(async () => {
    const pair = await generateEncryptionKeyPair('SBXA-pin-1');
    bankKey = await bankEncryptionKeyOf({ keys: [pair.publicJwk] });
    privateKey = createPrivateKey(pair.privateKeyPem);
    keyFor = (kid) => (kid === 'SBXA-pin-1' ? privateKey : undefined);
  });

  it('opens a payment PIN block for the amount it was given for, and the PIN is not visible in the ciphertext', async () => {
    const jwe = await encryptPinBlock({ purpose: 'pay', pin: '123456', amount: { value: '500', currency: 'INR' }, iat: NOW }, bankKey);
    expect(isEncryptedPinShape(jwe)).toBe(true);
    expect(jwe).not.toContain('123456');
    const opened = await openPinBlock(jwe, keyFor, { purpose: 'pay', amount: amount('500.00'), nowSeconds: NOW + 10 });
    expect(opened).toEqual({ ok: true, block: { purpose: 'pay', pin: '123456', amount: { value: '500.00', currency: 'INR' }, iat: NOW }, blockId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const again = await encryptPinBlock({ purpose: 'pay', pin: '123456', amount: { value: '500', currency: 'INR' }, iat: NOW }, bankKey);
    const reopened = await openPinBlock(again, keyFor, { purpose: 'pay', amount: amount('500.00'), nowSeconds: NOW });
    // Each encryption is a block of its own: the bank can take each once.
    expect(reopened.ok && opened.ok && reopened.blockId !== opened.blockId).toBe(true);
  });

  it('reads the id a block opens with without opening it, and no id from what is not a compact JWE with a key id', async () => {
    const jwe = await encryptPinBlock({ purpose: 'pay', pin: '1234', amount: { value: '5.00', currency: 'INR' }, iat: NOW }, bankKey);
    const opened = await openPinBlock(jwe, keyFor, { purpose: 'pay', amount: amount('5.00'), nowSeconds: NOW });
    expect(opened.ok && opened.blockId).toBe(pinBlockIdOf(jwe));
    const withoutKid = await new CompactEncrypt(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' }).encrypt(bankKey.key);
    expect(pinBlockIdOf(withoutKid)).toBeNull();
    expect(pinBlockIdOf('not.a.jwe')).toBeNull();
    expect(pinBlockIdOf(`${'e30'}..${jwe.split('.').slice(2).join('.')}`)).toBeNull();
  });

  it('refuses a PIN block given for another amount with U12', async () => {
    const jwe = await encryptPinBlock({ purpose: 'pay', pin: '1234', amount: { value: '1.00', currency: 'INR' }, iat: NOW }, bankKey);
    await expect(openPinBlock(jwe, keyFor, { purpose: 'pay', amount: amount('900.00'), nowSeconds: NOW })).resolves.toMatchObject({
      ok: false,
      resultCode: RESULT_CODES.PIN_AMOUNT_MISMATCH,
    });
  });

  it.each([
    ['stale', NOW - PIN_BLOCK_MAX_AGE_SECONDS - 1, 'pay'],
    ['from the future', NOW + 3600, 'pay'],
    ['for a PIN change', NOW, 'change-pin'],
  ] as const)('refuses a block that is %s with U14', async (_label, iat, purpose) => {
    const block = purpose === 'pay' ? { purpose, pin: '1234', amount: { value: '5.00', currency: 'INR' }, iat } : { purpose, pin: '1234', newPin: '9999', iat };
    const jwe = await encryptPinBlock(block, bankKey);
    await expect(openPinBlock(jwe, keyFor, { purpose: 'pay', amount: amount('5.00'), nowSeconds: NOW })).resolves.toMatchObject({
      ok: false,
      resultCode: RESULT_CODES.PIN_BLOCK_INVALID,
    });
  });

  it('refuses a block for another bank, an altered block and a block that is not JSON, with U14', async () => {
    const other = await generateEncryptionKeyPair('SBXA-pin-1');
    const forOther = await encryptPinBlock({ purpose: 'pay', pin: '1234', amount: { value: '5.00', currency: 'INR' }, iat: NOW }, await bankEncryptionKeyOf({ keys: [other.publicJwk] }));
    const expectation = { purpose: 'pay', amount: amount('5.00'), nowSeconds: NOW } as const;
    await expect(openPinBlock(forOther, keyFor, expectation)).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_BLOCK_INVALID });

    const good = await encryptPinBlock({ purpose: 'pay', pin: '1234', amount: { value: '5.00', currency: 'INR' }, iat: NOW }, bankKey);
    const parts = good.split('.');
    parts[3] = parts[3].startsWith('A') ? `B${parts[3].slice(1)}` : `A${parts[3].slice(1)}`;
    await expect(openPinBlock(parts.join('.'), keyFor, expectation)).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_BLOCK_INVALID });

    const notJson = await new CompactEncrypt(new TextEncoder().encode('1234'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'SBXA-pin-1' })
      .encrypt(bankKey.key);
    await expect(openPinBlock(notJson, keyFor, expectation)).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
    await expect(openPinBlock('not-a-jwe', keyFor, expectation)).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
  });

  it('opens set and change blocks only with PINs of 4 or 6 digits', async () => {
    const set = await encryptPinBlock({ purpose: 'set-pin', newPin: '4321', iat: NOW }, bankKey);
    await expect(openPinBlock(set, keyFor, { purpose: 'set-pin', nowSeconds: NOW })).resolves.toMatchObject({ ok: true, block: { purpose: 'set-pin', newPin: '4321', iat: NOW } });
    const badNew = await encryptPinBlock({ purpose: 'change-pin', pin: '4321', newPin: '12345', iat: NOW }, bankKey);
    await expect(openPinBlock(badNew, keyFor, { purpose: 'change-pin', nowSeconds: NOW })).resolves.toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
  });
});
