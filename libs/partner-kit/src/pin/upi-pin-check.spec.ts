import { randomUUID } from 'node:crypto';
import {
  bankEncryptionKeyOf,
  BankEncryptionKey,
  encryptPinBlock,
  generateEncryptionKeyPair,
  generatePinVerificationKey,
  legacyScryptUpiPinHash,
  Money,
  PinBlock,
  PinVerificationKey,
  RESULT_CODES,
  StoredUpiPin,
  UnknownPinVerificationKeyError,
  UpiPinVerifier,
} from '@kirim/contracts';
import { generateBankKeys, loadBankKeys } from '../keys/bank-keys';
import { fingerprintLeg, LegContent } from '../legs/leg-fingerprint';
import type { LegRequest } from '../requests/partner-request';
import { kitFixture, KitFixture } from '../testing/kit-fixtures';
import { PIN_BLOCK_MEMORY_MS, UpiPinCheck, UpiPinStore } from './upi-pin-check';

/** The bank's PIN tables in memory (the transaction is not modelled: each call is its own). */
class MemoryPinStore implements UpiPinStore<null> {
  readonly pins = new Map<string, StoredUpiPin>();
  readonly taken = new Map<string, Date>();

  async findPin(_tx: null, accountRef: string): Promise<StoredUpiPin | null> {
    return this.pins.get(accountRef) ?? null;
  }
  async savePin(_tx: null, accountRef: string, pinHash: string): Promise<void> {
    this.pins.set(accountRef, { pinHash, failedTries: 0 });
  }
  async saveFailedTries(_tx: null, accountRef: string, failedTries: number): Promise<void> {
    const pin = this.pins.get(accountRef);
    if (pin) this.pins.set(accountRef, { ...pin, failedTries });
  }
  async takePinBlock(_tx: null, blockId: string, at: Date, forgetBefore: Date): Promise<boolean> {
    for (const [id, usedAt] of this.taken) if (usedAt < forgetBefore) this.taken.delete(id);
    if (this.taken.has(blockId)) return false;
    this.taken.set(blockId, at);
    return true;
  }
}

const ACCOUNT = '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01';
const NOW = new Date('2026-12-01T10:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

function debit(amount: string, encryptedPin?: string, direction: 'debit' | 'credit' = 'debit'): LegRequest {
  const content: LegContent = {
    direction,
    requestId: randomUUID(),
    paymentId: randomUUID(),
    txnId: `KRM${'0'.repeat(32)}`,
    purpose: 'payment',
    bankCode: 'XMPL',
    amount: Money.parse({ value: amount, currency: 'INR' }) as Money,
    accountRef: ACCOUNT,
  };
  return {
    kind: 'leg',
    ...content,
    fingerprint: fingerprintLeg(content),
    ...(encryptedPin !== undefined ? { encryptedPin } : {}),
    envelope: { ceId: randomUUID(), ceType: 'partner.debit.requested.v1', ceTime: NOW.toISOString(), position: { topic: 't', partition: 0, offset: '0' } },
  };
}

describe('UpiPinCheck', () => {
  let fixture: KitFixture;
  let bankKey: BankEncryptionKey;
  let store: MemoryPinStore;
  let check: UpiPinCheck<null>;
  let now: Date;
  let pinKey: PinVerificationKey;

  const block = (b: PinBlock, key: BankEncryptionKey = bankKey): Promise<string> => encryptPinBlock(b, key);
  const pay = (pin: string, amount = '60.00', iat = NOW_SECONDS): Promise<string> => block({ purpose: 'pay', pin, amount: { value: amount, currency: 'INR' }, iat });

  beforeAll(async () => {
    fixture = await kitFixture(() => NOW);
    bankKey = await bankEncryptionKeyOf(fixture.bank.jwks);
    pinKey = fixture.bank.pinVerificationKey;
  });

  beforeEach(() => {
    now = NOW;
    store = new MemoryPinStore();
    check = new UpiPinCheck([fixture.bankKeys.decryption], [pinKey], store, () => now);
  });

  async function withPin(pin: string, failedTries = 0): Promise<void> {
    store.pins.set(ACCOUNT, { pinHash: new UpiPinVerifier([pinKey]).hash(pin), failedTries });
  }

  it('authorizes a debit with the right PIN for its amount, and a right PIN starts the count of wrong tries again', async () => {
    await withPin('2580', 2);
    expect(await check.authorizeDebit(null, debit('60.00', await pay('2580')))).toBeNull();
    expect(store.pins.get(ACCOUNT)?.failedTries).toBe(0);
  });

  it('declines a wrong PIN with ZM, counting it; the third wrong try locks the PIN, and then even the right one gets Z6', async () => {
    await withPin('2580');
    for (const tries of [1, 2, 3]) {
      expect(await check.authorizeDebit(null, debit('60.00', await pay('0000')))).toMatchObject({ outcome: 'declined', resultCode: RESULT_CODES.WRONG_PIN });
      expect(store.pins.get(ACCOUNT)?.failedTries).toBe(tries);
    }
    expect(await check.authorizeDebit(null, debit('60.00', await pay('2580')))).toMatchObject({ outcome: 'declined', resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED });
    expect(store.pins.get(ACCOUNT)?.failedTries).toBe(3);
  });

  it('declines a debit without a PIN block with U30 (a status check for a debit never received)', async () => {
    await withPin('2580');
    expect(await check.authorizeDebit(null, debit('60.00'))).toMatchObject({ outcome: 'declined', resultCode: RESULT_CODES.DEBIT_FAILED });
  });

  it("lets a merchant's refund debit through without a PIN (authorised at kirim), and refuses one that carries a PIN block", async () => {
    await withPin('2580');
    const refund = (encryptedPin?: string): LegRequest => ({ ...debit('60.00', encryptedPin), purpose: 'refund' });
    expect(await check.authorizeDebit(null, refund())).toBeNull();
    expect(await check.authorizeDebit(null, refund(await pay('2580')))).toMatchObject({ outcome: 'declined', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
    expect(store.pins.get(ACCOUNT)?.failedTries).toBe(0);
  });

  it('declines U11 when the account has no PIN, counting nothing', async () => {
    expect(await check.authorizeDebit(null, debit('60.00', await pay('2580')))).toMatchObject({ outcome: 'declined', resultCode: RESULT_CODES.PIN_NOT_SET });
    expect(store.pins.size).toBe(0);
  });

  it('declines a block for another amount with U12, and counts no try even when its PIN is wrong', async () => {
    await withPin('2580');
    expect(await check.authorizeDebit(null, debit('60.00', await pay('0000', '1.00')))).toMatchObject({ outcome: 'declined', resultCode: RESULT_CODES.PIN_AMOUNT_MISMATCH });
    expect(store.pins.get(ACCOUNT)?.failedTries).toBe(0);
  });

  it('takes a block once: a replay, even for the same amount on another debit, is U14', async () => {
    await withPin('2580');
    const captured = await pay('2580');
    expect(await check.authorizeDebit(null, debit('60.00', captured))).toBeNull();
    expect(await check.authorizeDebit(null, debit('60.00', captured))).toMatchObject({ outcome: 'declined', resultCode: RESULT_CODES.PIN_BLOCK_INVALID, reason: 'this PIN block was used before' });
  });

  it('refuses with U14 a stale block, one from the future, one for a PIN change, one for another bank, and one altered; none counts a try', async () => {
    await withPin('2580');
    const other = await generateBankKeys('OTHR', 'test');
    const otherKey = await bankEncryptionKeyOf(other.jwks);
    const good = await pay('0000');
    const parts = good.split('.');
    const altered = [parts[0], parts[1], parts[2], `${parts[3].slice(0, -2)}AA`, parts[4]].join('.');
    for (const encryptedPin of [
      await pay('2580', '60.00', NOW_SECONDS - 301),
      await pay('2580', '60.00', NOW_SECONDS + 61),
      await block({ purpose: 'change-pin', pin: '2580', newPin: '1111', iat: NOW_SECONDS }),
      await block({ purpose: 'pay', pin: '2580', amount: { value: '60.00', currency: 'INR' }, iat: NOW_SECONDS }, otherKey),
      altered,
      'not-a-jwe',
    ]) {
      expect(await check.authorizeDebit(null, debit('60.00', encryptedPin))).toMatchObject({ outcome: 'declined', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
    }
    expect(store.pins.get(ACCOUNT)?.failedTries).toBe(0);
  });

  it('opens blocks made for a key being rotated out, picked by the kid in their header', async () => {
    const retiring = await generateEncryptionKeyPair('xmpl-enc-old');
    const retired = loadBankKeys({ signingKeyPem: fixture.bank.signingKeyPem, encryptionKeyPem: retiring.privateKeyPem, jwks: { keys: [...fixture.bank.jwks.keys, retiring.publicJwk] } }).decryption;
    check = new UpiPinCheck([fixture.bankKeys.decryption, retired], [pinKey], store, () => now);
    await withPin('2580');
    const forOldKey = await encryptPinBlock({ purpose: 'pay', pin: '2580', amount: { value: '60.00', currency: 'INR' }, iat: NOW_SECONDS }, await bankEncryptionKeyOf({ keys: [retiring.publicJwk] }));
    expect(await check.authorizeDebit(null, debit('60.00', forOldKey))).toBeNull();
  });

  it('forgets taken blocks only once they are too old to be taken anyway', async () => {
    await withPin('2580');
    const captured = await pay('2580');
    expect(await check.authorizeDebit(null, debit('60.00', captured))).toBeNull();
    now = new Date(NOW.getTime() + PIN_BLOCK_MEMORY_MS - 1000);
    expect(await check.authorizeDebit(null, debit('60.00', captured))).toMatchObject({ resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
    now = new Date(NOW.getTime() + PIN_BLOCK_MEMORY_MS + 1000);
    expect(await check.authorizeDebit(null, debit('60.00', captured))).toMatchObject({ resultCode: RESULT_CODES.PIN_BLOCK_INVALID, reason: 'the PIN block has expired' });
  });

  describe('keyed PIN hashes', () => {
    it('stores the hash of a right PIN again under the current key when it is a legacy scrypt hash, and only then', async () => {
      const legacy = await legacyScryptUpiPinHash('2580');
      store.pins.set(ACCOUNT, { pinHash: legacy, failedTries: 1 });
      expect(await check.authorizeDebit(null, debit('60.00', await pay('0000')))).toMatchObject({ resultCode: RESULT_CODES.WRONG_PIN });
      expect(store.pins.get(ACCOUNT)).toEqual({ pinHash: legacy, failedTries: 2 });
      expect(await check.authorizeDebit(null, debit('60.00', await pay('2580')))).toBeNull();
      const upgraded = store.pins.get(ACCOUNT);
      expect(upgraded).toEqual({ pinHash: expect.stringMatching(/^hmac-sha256\$xmpl-pvk-test\$/), failedTries: 0 });
      // From now on the fast keyed hash is what the PIN is checked against.
      expect(await check.authorizeDebit(null, debit('60.00', await pay('2580')))).toBeNull();
      expect(store.pins.get(ACCOUNT)).toEqual(upgraded);
    });

    it('after a rotation, checks hashes under the older key and moves each to the new key on its next right PIN', async () => {
      await withPin('2580');
      const next = generatePinVerificationKey('xmpl-pvk-next');
      check = new UpiPinCheck([fixture.bankKeys.decryption], [pinKey, next], store, () => now);
      expect(await check.authorizeDebit(null, debit('60.00', await pay('2580')))).toBeNull();
      const pinHash = store.pins.get(ACCOUNT)?.pinHash ?? '';
      expect(pinHash).toMatch(/^hmac-sha256\$xmpl-pvk-next\$/);
      await expect(new UpiPinVerifier([next]).matches('2580', pinHash)).resolves.toBe(true);
    });

    it('throws, deciding nothing and counting no try, for a stored hash under a key it was not given', async () => {
      store.pins.set(ACCOUNT, { pinHash: new UpiPinVerifier([generatePinVerificationKey('xmpl-pvk-lost')]).hash('2580'), failedTries: 1 });
      await expect(check.authorizeDebit(null, debit('60.00', await pay('0000')))).rejects.toThrow(UnknownPinVerificationKeyError);
      expect(store.pins.get(ACCOUNT)?.failedTries).toBe(1);
    });

    it('needs a PIN verification key', () => {
      expect(() => new UpiPinCheck([fixture.bankKeys.decryption], [], store)).toThrow(/PIN verification key/);
    });
  });

  describe('setOrChange', () => {
    it('sets the first PIN from a set-pin block, storing only a salted hash', async () => {
      expect(await check.setOrChange(null, ACCOUNT, await block({ purpose: 'set-pin', newPin: '135790', iat: NOW_SECONDS }))).toEqual({ ok: true, change: 'set' });
      expect(store.pins.get(ACCOUNT)?.pinHash).toMatch(/^hmac-sha256\$xmpl-pvk-test\$/);
      expect(store.pins.get(ACCOUNT)?.pinHash).not.toContain('135790');
      expect(await check.authorizeDebit(null, debit('60.00', await pay('135790')))).toBeNull();
    });

    it('refuses a second set-pin (U14): once a PIN is set, only the current PIN changes it', async () => {
      await withPin('2580');
      expect(await check.setOrChange(null, ACCOUNT, await block({ purpose: 'set-pin', newPin: '1111', iat: NOW_SECONDS }))).toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
      expect(await check.setOrChange(null, ACCOUNT, await block({ purpose: 'change-pin', pin: '0000', newPin: '1111', iat: NOW_SECONDS }))).toMatchObject({ ok: false, resultCode: RESULT_CODES.WRONG_PIN });
      expect(store.pins.get(ACCOUNT)?.failedTries).toBe(1);
      expect(await check.setOrChange(null, ACCOUNT, await block({ purpose: 'change-pin', pin: '2580', newPin: '1111', iat: NOW_SECONDS }))).toEqual({ ok: true, change: 'changed' });
      expect(await check.authorizeDebit(null, debit('60.00', await pay('1111')))).toBeNull();
    });

    it('refuses a change of a locked PIN with Z6, and a replayed set-pin block with U14', async () => {
      await withPin('2580', 3);
      expect(await check.setOrChange(null, ACCOUNT, await block({ purpose: 'change-pin', pin: '2580', newPin: '1111', iat: NOW_SECONDS }))).toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED });
      store.pins.clear();
      const setBlock = await block({ purpose: 'set-pin', newPin: '4444', iat: NOW_SECONDS });
      expect(await check.setOrChange(null, ACCOUNT, setBlock)).toEqual({ ok: true, change: 'set' });
      store.pins.clear();
      expect(await check.setOrChange(null, ACCOUNT, setBlock)).toMatchObject({ ok: false, resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
    });
  });

  it('checks only debits', async () => {
    await expect(check.authorizeDebit(null, debit('60.00', undefined, 'credit'))).rejects.toThrow(/only a debit/);
  });
});
