import 'reflect-metadata';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  bankEncryptionKeyOf,
  BankEncryptionKey,
  encryptPinBlock,
  formatPinVerificationKey,
  generatePinVerificationKey,
  legacyScryptUpiPinHash,
  Money,
  PinBlock,
  pinBlockIdOf,
  RESULT_CODES,
  UnknownPinVerificationKeyError,
  UpiPinVerifier,
} from '@kirim/contracts';
import { TransactionRunner, TransactionScope } from '@kirim/messaging';
import { createMigratedTestDatabase, MigratedTestDatabase, testDataProtection } from '@kirim/testing';
import { SystemClock } from '@kirim/platform';
import { DataSource } from 'typeorm';
import { SandboxBankAdapter } from '../../adapters/sandbox/sandbox-bank.adapter';
import { BankLegCommand, BankLegOutcome } from '../../bank-legs/bank-adapter.port';
import { bankConnectorSchema } from '../../bank-connector.persistence';
import { TypeOrmSandboxLedgerRepository } from '../typeorm-sandbox-ledger.repository';
import { ResetSandboxUpiPin } from './reset-sandbox-upi-pin/reset-sandbox-upi-pin.use-case';
import { SandboxPinCheck } from './sandbox-pin-check';
import { SandboxPinKeys } from './sandbox-pin-keys';
import { SetSandboxUpiPin } from './set-sandbox-upi-pin/set-sandbox-upi-pin.use-case';
import { TAKE_PIN_BLOCK_SQL, TAKE_PIN_BLOCKS_SQL, TypeOrmSandboxUpiPinRepository } from './typeorm-sandbox-upi-pin.repository';

/** The layout deploy/local/sandbox-pin-keys.js writes: <dir>/<BANK>/<kid>.pem, current.kid and pin-verification.keys. */
function writePinKey(dir: string, bank: string): void {
  const kid = `${bank}-pin-test1`;
  mkdirSync(join(dir, bank), { recursive: true });
  writeFileSync(join(dir, bank, `${kid}.pem`), generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, bank, 'current.kid'), `${kid}\n`);
  writeFileSync(join(dir, bank, 'pin-verification.keys'), formatPinVerificationKey(generatePinVerificationKey(`${bank}-pvk-test1`)));
}

/** Runs work in a transaction; these use cases publish nothing. */
class DataSourceTransactions extends TransactionRunner {
  constructor(private readonly dataSource: DataSource) {
    super();
  }
  run<T>(work: (tx: TransactionScope) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work({ manager, publish: () => Promise.reject(new Error('nothing is published here')), afterCommit: () => undefined }));
  }
}

let database: MigratedTestDatabase;
let dataSource: DataSource;
let ledger: TypeOrmSandboxLedgerRepository;
let pins: TypeOrmSandboxUpiPinRepository;
let adapter: SandboxBankAdapter;
let setPin: SetSandboxUpiPin;
let resetPin: ResetSandboxUpiPin;
let keyDir: string;
let sbxaKey: BankEncryptionKey;

beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'kirim-pin-keys-'));
  writePinKey(keyDir, 'SBXA');
  writePinKey(keyDir, 'SBXB');
  const keys = SandboxPinKeys.load(keyDir, ['SBXA', 'SBXB']);
  const published = keys.publicKeyOf('SBXA');
  if (!published) throw new Error('no SBXA PIN key');
  // The device's view: the bank's public JWK, as GET /v1/banks gives it.
  sbxaKey = await bankEncryptionKeyOf({ keys: [published] });

  const protection = testDataProtection();
  database = await createMigratedTestDatabase('bank_connector', bankConnectorSchema(protection));
  dataSource = database.dataSource;
  ledger = new TypeOrmSandboxLedgerRepository(dataSource, protection.fields, protection.lookups);
  pins = new TypeOrmSandboxUpiPinRepository();
  const clock = new SystemClock();
  adapter = new SandboxBankAdapter(ledger, new SandboxPinCheck(keys, pins, clock));
  const transactions = new DataSourceTransactions(dataSource);
  setPin = new SetSandboxUpiPin(transactions, pins, keys, clock);
  resetPin = new ResetSandboxUpiPin(transactions, pins);
}, 30_000);

afterAll(async () => {
  await database?.close();
  rmSync(keyDir, { recursive: true, force: true });
});

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const block = (b: PinBlock): Promise<string> => encryptPinBlock(b, sbxaKey);
const payBlock = (pin: string, value = '100.00'): Promise<string> => block({ purpose: 'pay', pin, amount: { value, currency: 'INR' }, iat: nowSeconds() });

async function openAccount(): Promise<string> {
  const mobile = `+9197${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`;
  return (await ledger.openAccount({ bankCode: 'SBXA', mobile, holderName: 'Pin Holder', openingBalanceMinor: 1_000_000n, currency: 'INR' })).accountRef;
}

function debit(accountRef: string, encryptedPin: string | undefined, value = '100.00', requestId = randomUUID(), bank: SandboxBankAdapter = adapter): Promise<BankLegOutcome> {
  const leg: BankLegCommand = {
    requestId,
    paymentId: randomUUID(),
    txnId: `KRM${'0'.repeat(32)}`,
    purpose: 'payment',
    bankCode: 'SBXA',
    accountRef,
    amount: Money.parse({ value, currency: 'INR' }) as Money,
    ...(encryptedPin !== undefined ? { encryptedPin } : {}),
  };
  return dataSource.transaction((manager) => bank.apply({ manager, publish: () => Promise.resolve(), afterCommit: () => undefined }, 'debit', leg));
}

async function pinRow(accountRef: string): Promise<{ pin_hash: string; failed_tries: number } | undefined> {
  const [row] = await dataSource.query<Array<{ pin_hash: string; failed_tries: number }>>(`SELECT pin_hash, failed_tries FROM sandbox_upi_pins WHERE account_id = $1`, [accountRef]);
  return row;
}

/** Stores a PIN hash as an older bank-connector (or a key since rotated out) left it. */
async function storePinHash(accountRef: string, pinHash: string, failedTries: number): Promise<void> {
  await dataSource.query(`INSERT INTO sandbox_upi_pins (account_id, pin_hash, failed_tries, updated_at) VALUES ($1, $2, $3, now())`, [accountRef, pinHash, failedTries]);
}

async function balanceOf(accountRef: string): Promise<bigint> {
  const [row] = await dataSource.query<Array<{ balance_minor: string }>>(`SELECT balance_minor FROM sandbox_accounts WHERE id = $1`, [accountRef]);
  return BigInt(row.balance_minor);
}

describe('sandbox banks check the UPI PIN (PostgreSQL)', () => {
  it('declines a debit from an account with no PIN set with U11, and counts no try', async () => {
    const account = await openAccount();
    expect(await debit(account, await payBlock('1234'))).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.PIN_NOT_SET });
    expect(await balanceOf(account)).toBe(1_000_000n);
  });

  it('debits with the right PIN, and stores only a salted hash under the bank’s PIN verification key', async () => {
    const account = await openAccount();
    expect(await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '2468', iat: nowSeconds() }) })).toEqual({ ok: true, change: 'set' });
    expect(await debit(account, await payBlock('2468'))).toMatchObject({ kind: 'approved' });
    expect(await balanceOf(account)).toBe(1_000_000n - 10_000n);
    const row = await pinRow(account);
    expect(row?.pin_hash).toMatch(/^hmac-sha256\$SBXA-pvk-test1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(row?.pin_hash).not.toContain('2468');
  });

  it('upgrades a stored legacy scrypt hash to the keyed form after one right PIN, in the debit’s transaction', async () => {
    const account = await openAccount();
    const legacy = await legacyScryptUpiPinHash('8080');
    await storePinHash(account, legacy, 1);
    // A wrong PIN against the legacy hash is counted, and upgrades nothing.
    expect(await debit(account, await payBlock('0808'))).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.WRONG_PIN });
    expect(await pinRow(account)).toEqual({ pin_hash: legacy, failed_tries: 2 });

    expect(await debit(account, await payBlock('8080'))).toMatchObject({ kind: 'approved' });
    const upgraded = await pinRow(account);
    expect(upgraded).toEqual({ pin_hash: expect.stringMatching(/^hmac-sha256\$SBXA-pvk-test1\$/), failed_tries: 0 });
    // The keyed hash is the same PIN: the next payments check it (fast), and it is not rewritten again.
    expect(await debit(account, await payBlock('8080'))).toMatchObject({ kind: 'approved' });
    expect(await debit(account, await payBlock('0808'))).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.WRONG_PIN });
    expect(await pinRow(account)).toEqual({ pin_hash: upgraded?.pin_hash, failed_tries: 1 });
    expect(await balanceOf(account)).toBe(1_000_000n - 20_000n);
  });

  it('after a rotation of the PIN verification key, a hash under the older key still pays and moves to the new key', async () => {
    const account = await openAccount();
    await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '6060', iat: nowSeconds() }) });
    const rotatedDir = mkdtempSync(join(tmpdir(), 'kirim-pin-keys-rotated-'));
    try {
      cpSync(keyDir, rotatedDir, { recursive: true });
      // What `sandbox-pin-keys.js rotate-verification` does: a new last line, the older key kept.
      appendFileSync(join(rotatedDir, 'SBXA', 'pin-verification.keys'), formatPinVerificationKey(generatePinVerificationKey('SBXA-pvk-test2')));
      const rotated = new SandboxBankAdapter(ledger, new SandboxPinCheck(SandboxPinKeys.load(rotatedDir, ['SBXA', 'SBXB']), pins, new SystemClock()));
      expect(await debit(account, await payBlock('6060'), '100.00', randomUUID(), rotated)).toMatchObject({ kind: 'approved' });
      expect(await pinRow(account)).toEqual({ pin_hash: expect.stringMatching(/^hmac-sha256\$SBXA-pvk-test2\$/), failed_tries: 0 });
    } finally {
      rmSync(rotatedDir, { recursive: true, force: true });
    }
  });

  it('refuses to decide on a hash under a PIN verification key it does not hold: the debit fails as an error, rolled back, no try counted', async () => {
    const account = await openAccount();
    const lostKey = generatePinVerificationKey('SBXA-pvk-lost');
    const lost = new UpiPinVerifier([lostKey]).hash('7070');
    await storePinHash(account, lost, 1);
    const pinBlock = await payBlock('0000');
    await expect(debit(account, pinBlock)).rejects.toThrow(UnknownPinVerificationKeyError);
    expect(await pinRow(account)).toEqual({ pin_hash: lost, failed_tries: 1 });
    expect(await balanceOf(account)).toBe(1_000_000n);
    const [{ count }] = await dataSource.query<Array<{ count: string }>>(`SELECT count(*) AS count FROM sandbox_postings WHERE customer_account_id = $1 AND purpose = 'payment'`, [account]);
    expect(Number(count)).toBe(0);

    // Nothing was recorded, the PIN block not taken either: with the key loaded again, the same debit is decided.
    const restoredDir = mkdtempSync(join(tmpdir(), 'kirim-pin-keys-restored-'));
    try {
      cpSync(keyDir, restoredDir, { recursive: true });
      const file = join(restoredDir, 'SBXA', 'pin-verification.keys');
      writeFileSync(file, `${formatPinVerificationKey(lostKey)}${readFileSync(file, 'utf8')}`);
      const restored = new SandboxBankAdapter(ledger, new SandboxPinCheck(SandboxPinKeys.load(restoredDir, ['SBXA', 'SBXB']), pins, new SystemClock()));
      expect(await debit(account, pinBlock, '100.00', randomUUID(), restored)).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.WRONG_PIN });
      expect(await pinRow(account)).toEqual({ pin_hash: lost, failed_tries: 2 });
    } finally {
      rmSync(restoredDir, { recursive: true, force: true });
    }
  });

  it('wrong PIN: ZM three times, then Z6 even with the right PIN, until the operator resets it', async () => {
    const account = await openAccount();
    await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '1357', iat: nowSeconds() }) });
    for (let i = 0; i < 3; i += 1) expect(await debit(account, await payBlock('0000'))).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.WRONG_PIN });
    expect(await debit(account, await payBlock('1357'))).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED });
    // A locked PIN cannot be changed either, only reset.
    expect(await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'change-pin', pin: '1357', newPin: '8642', iat: nowSeconds() }) })).toMatchObject({
      ok: false,
      resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED,
    });
    expect(await balanceOf(account)).toBe(1_000_000n);

    expect(await resetPin.execute({ accountRef: account })).toEqual({ ok: true, cleared: true });
    expect(await debit(account, await payBlock('1357'))).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.PIN_NOT_SET });
    await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '9753', iat: nowSeconds() }) });
    expect(await debit(account, await payBlock('9753'))).toMatchObject({ kind: 'approved' });
  });

  it('a right PIN after wrong ones starts the count again', async () => {
    const account = await openAccount();
    await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '1111', iat: nowSeconds() }) });
    expect(await debit(account, await payBlock('2222'))).toMatchObject({ resultCode: RESULT_CODES.WRONG_PIN });
    expect(await debit(account, await payBlock('2222'))).toMatchObject({ resultCode: RESULT_CODES.WRONG_PIN });
    expect(await debit(account, await payBlock('1111'))).toMatchObject({ kind: 'approved' });
    expect(await debit(account, await payBlock('2222'))).toMatchObject({ resultCode: RESULT_CODES.WRONG_PIN, reason: expect.stringContaining('1 of 3') });
  });

  it('refuses a PIN block for another amount (U12) and a replayed one (U14), counting no try', async () => {
    const account = await openAccount();
    await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '4321', iat: nowSeconds() }) });
    expect(await debit(account, await payBlock('4321', '1.00'), '900.00')).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.PIN_AMOUNT_MISMATCH });
    const captured = await payBlock('4321');
    expect(await debit(account, captured)).toMatchObject({ kind: 'approved' });
    expect(await debit(account, captured)).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
    expect(await balanceOf(account)).toBe(1_000_000n - 10_000n);
  });

  describe('debits of one consumer chunk, whose accounts, PIN records and PIN blocks are read once', () => {
    /**
     * Debits one account once per PIN block, in one transaction as a chunk run as one does (the
     * preparer's reads, the legs, the writes at its end), counting each debit's statements.
     * `meanwhile` runs after the legs, before the chunk's end, outside its transaction.
     */
    function debitsAsChunk(
      accountRef: string,
      encryptedPins: readonly string[],
      meanwhile: () => Promise<unknown> = () => Promise.resolve(),
    ): Promise<Array<{ outcome: BankLegOutcome; statements: number }>> {
      const legs: BankLegCommand[] = encryptedPins.map((encryptedPin) => ({
        requestId: randomUUID(),
        paymentId: randomUUID(),
        txnId: `KRM${'0'.repeat(32)}`,
        purpose: 'payment',
        bankCode: 'SBXA',
        accountRef,
        amount: Money.parse({ value: '100.00', currency: 'INR' }) as Money,
        encryptedPin,
      }));
      return dataSource.transaction(async (manager) => {
        await ledger.lockLegAccounts({ manager }, legs, { remember: true });
        await pins.rememberChunkPins({ manager }, { accountRefs: [accountRef], pinBlockIds: encryptedPins.flatMap((pin) => pinBlockIdOf(pin) ?? []) });
        const results: Array<{ outcome: BankLegOutcome; statements: number }> = [];
        for (const command of legs) {
          const query = jest.spyOn(manager, 'query');
          results.push({ outcome: await adapter.apply({ manager, publish: () => Promise.resolve(), afterCommit: () => undefined }, 'debit', command), statements: query.mock.calls.length });
          query.mockRestore();
        }
        await meanwhile();
        await pins.writeTakenPinBlocks({ manager });
        await ledger.writeDeferredPostings({ manager });
        return results;
      });
    }

    it('counts wrong tries across the chunk: ZM three times, then Z6 even with the right PIN, as stored after it', async () => {
      const account = await openAccount();
      await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '1357', iat: nowSeconds() }) });

      const results = await debitsAsChunk(account, [await payBlock('0000'), await payBlock('0000'), await payBlock('0000'), await payBlock('1357')]);

      expect(results.map(({ outcome }) => outcome)).toEqual([
        expect.objectContaining({ resultCode: RESULT_CODES.WRONG_PIN, reason: expect.stringContaining('1 of 3') }),
        expect.objectContaining({ resultCode: RESULT_CODES.WRONG_PIN, reason: expect.stringContaining('2 of 3') }),
        expect.objectContaining({ resultCode: RESULT_CODES.WRONG_PIN }),
        expect.objectContaining({ resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED }),
      ]);
      expect(await pinRow(account)).toMatchObject({ failed_tries: 3 });
      expect(await balanceOf(account)).toBe(1_000_000n);
    });

    it('starts the count again after a right PIN in the chunk, refuses a block taken earlier in it, and reads nothing per debit', async () => {
      const account = await openAccount();
      await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '1111', iat: nowSeconds() }) });
      const captured = await payBlock('1111');

      const results = await debitsAsChunk(account, [await payBlock('2222'), captured, captured, await payBlock('2222')]);

      expect(results.map(({ outcome }) => outcome)).toEqual([
        expect.objectContaining({ resultCode: RESULT_CODES.WRONG_PIN, reason: expect.stringContaining('1 of 3') }),
        expect.objectContaining({ kind: 'approved' }),
        expect.objectContaining({ resultCode: RESULT_CODES.PIN_BLOCK_INVALID }),
        expect.objectContaining({ resultCode: RESULT_CODES.WRONG_PIN, reason: expect.stringContaining('1 of 3') }),
      ]);
      // Only a changed try count (up on a wrong PIN, back to 0 on the right one after it): no read of
      // the account, its PIN or the block's earlier use, and the takes and answers are written with
      // the chunk's end.
      expect(results.map(({ statements }) => statements)).toEqual([1, 1, 0, 1]);
      expect(await pinRow(account)).toMatchObject({ failed_tries: 1 });
      expect(await balanceOf(account)).toBe(1_000_000n - 10_000n);
      expect(await takenBlocks([captured])).toEqual([pinBlockIdOf(captured)]);
    });

    it('refuses a block taken before the chunk from what it read up front, with no statement', async () => {
      const account = await openAccount();
      await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '2580', iat: nowSeconds() }) });
      const captured = await payBlock('2580');
      expect(await debit(account, captured)).toMatchObject({ kind: 'approved' });

      const results = await debitsAsChunk(account, [captured, await payBlock('2580')]);

      expect(results).toEqual([
        { outcome: expect.objectContaining({ resultCode: RESULT_CODES.PIN_BLOCK_INVALID, reason: 'this PIN block was used before' }), statements: 0 },
        { outcome: expect.objectContaining({ kind: 'approved' }), statements: 0 },
      ]);
      expect(await balanceOf(account)).toBe(1_000_000n - 2n * 10_000n);
    });

    it('ends in an error, writing nothing, when another transaction took one of its blocks after the chunk read them', async () => {
      const account = await openAccount();
      await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '3690', iat: nowSeconds() }) });
      const [first, raced] = [await payBlock('3690'), await payBlock('3690')];

      // The same block taken by a transaction this chunk's account lock does not hold up (a debit of
      // another account sent with it), committed while this chunk ran.
      const takenElsewhere = () => dataSource.query(`INSERT INTO sandbox_pin_block_uses (block_id, used_at) VALUES ($1, now())`, [pinBlockIdOf(raced)]);
      await expect(debitsAsChunk(account, [first, raced], takenElsewhere)).rejects.toThrow("1 of the chunk's 2 PIN blocks were taken by another transaction since the chunk read them");

      // Nothing of the chunk stayed; replayed leg by leg (as the consumer does), its use of the block is refused.
      expect(await balanceOf(account)).toBe(1_000_000n);
      expect(await takenBlocks([first, raced])).toEqual([pinBlockIdOf(raced)]);
      expect(await debit(account, first)).toMatchObject({ kind: 'approved' });
      expect(await debit(account, raced)).toMatchObject({ resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
    });
  });

  /** Which of these PIN blocks the bank has taken. */
  async function takenBlocks(encryptedPins: readonly string[]): Promise<string[]> {
    const rows = await dataSource.query<Array<{ block_id: string }>>(`SELECT block_id FROM sandbox_pin_block_uses WHERE block_id = ANY($1::char(43)[]) ORDER BY block_id`, [
      encryptedPins.map((pin) => pinBlockIdOf(pin)),
    ]);
    return rows.map(({ block_id }) => block_id);
  }

  it('answers a status check (same request, no PIN) from the recorded answer, and declines one for a debit it never saw with U30', async () => {
    const account = await openAccount();
    await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '5555', iat: nowSeconds() }) });
    const legFor = (encryptedPin?: string): BankLegCommand => ({
      requestId: 'c1c1c1c1-c1c1-4c1c-8c1c-c1c1c1c1c1c1',
      paymentId: 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0',
      txnId: `KRM${'1'.repeat(32)}`,
      purpose: 'payment',
      bankCode: 'SBXA',
      accountRef: account,
      amount: Money.ofMinor(10_000n, 'INR'),
      ...(encryptedPin !== undefined ? { encryptedPin } : {}),
    });
    const apply = (command: BankLegCommand): Promise<BankLegOutcome> => dataSource.transaction((manager) => adapter.apply({ manager, publish: () => Promise.resolve(), afterCommit: () => undefined }, 'debit', command));
    const first = await apply(legFor(await payBlock('5555')));
    expect(first).toMatchObject({ kind: 'approved' });
    // The status check re-sends the same debit without the PIN: the recorded answer, and no second debit.
    expect(await apply(legFor())).toEqual(first);
    expect(await balanceOf(account)).toBe(1_000_000n - 10_000n);
    expect(await debit(account, undefined)).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.DEBIT_FAILED });
    expect(await balanceOf(account)).toBe(1_000_000n - 10_000n);
  });

  it('changes a PIN only with the current one (a wrong one counts a try) and refuses a second set', async () => {
    const account = await openAccount();
    await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '1234', iat: nowSeconds() }) });
    expect(await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'set-pin', newPin: '0000', iat: nowSeconds() }) })).toMatchObject({
      ok: false,
      resultCode: RESULT_CODES.PIN_BLOCK_INVALID,
    });
    expect(await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'change-pin', pin: '9999', newPin: '0000', iat: nowSeconds() }) })).toMatchObject({
      ok: false,
      resultCode: RESULT_CODES.WRONG_PIN,
    });
    expect(await setPin.execute({ accountRef: account, encryptedPin: await block({ purpose: 'change-pin', pin: '1234', newPin: '567890', iat: nowSeconds() }) })).toEqual({
      ok: true,
      change: 'changed',
    });
    expect(await debit(account, await payBlock('1234'))).toMatchObject({ resultCode: RESULT_CODES.WRONG_PIN });
    expect(await debit(account, await payBlock('567890'))).toMatchObject({ kind: 'approved' });
    expect(await setPin.execute({ accountRef: randomUUID(), encryptedPin: await block({ purpose: 'set-pin', newPin: '1234', iat: nowSeconds() }) })).toEqual({
      ok: false,
      kind: 'account-not-found',
    });
  });

  it('takes a PIN block once, and forgets expired uses a few per block taken, without waiting on a debit deleting the same ones', async () => {
    const inTx = <T>(work: (tx: TransactionScope) => Promise<T>): Promise<T> =>
      dataSource.transaction((manager) => work({ manager, publish: () => Promise.resolve(), afterCommit: () => undefined }));
    const now = new Date();
    const forgetBefore = new Date(now.getTime() - 60_000);
    const expired = Array.from({ length: 20 }, () => randomUUID());
    await dataSource.query(`DELETE FROM sandbox_pin_block_uses`);
    await dataSource.query(`INSERT INTO sandbox_pin_block_uses (block_id, used_at) SELECT unnest($1::text[]), $2`, [expired, new Date(forgetBefore.getTime() - 1000)]);

    const expiredLeft = async (): Promise<number> => {
      const [{ left }] = await dataSource.query<Array<{ left: number }>>(`SELECT count(*)::int AS left FROM sandbox_pin_block_uses WHERE used_at < $1`, [forgetBefore]);
      return left;
    };
    const blockId = randomUUID();
    expect(await inTx((tx) => pins.takePinBlock(tx, blockId, now, forgetBefore))).toBe(true);
    expect(await expiredLeft()).toBe(4); // 16 forgotten per block taken
    expect(await inTx((tx) => pins.takePinBlock(tx, blockId, now, forgetBefore))).toBe(false); // a replay
    expect(await expiredLeft()).toBe(0);
    // A block whose own use has expired is not forgotten by taking it again: the take is refused.
    const old = randomUUID();
    await dataSource.query(`INSERT INTO sandbox_pin_block_uses (block_id, used_at) VALUES ($1, $2)`, [old, new Date(forgetBefore.getTime() - 1000)]);
    expect(await inTx((tx) => pins.takePinBlock(tx, old, now, forgetBefore))).toBe(false);
    expect(await expiredLeft()).toBe(1);
    await dataSource.query(`DELETE FROM sandbox_pin_block_uses WHERE block_id = $1`, [old]);

    // A transaction that holds the expired rows (a debit deleting them) does not hold this one up.
    await dataSource.query(`INSERT INTO sandbox_pin_block_uses (block_id, used_at) SELECT unnest($1::text[]), $2`, [expired, new Date(forgetBefore.getTime() - 1000)]);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT block_id FROM sandbox_pin_block_uses WHERE used_at < $1 FOR UPDATE`, [forgetBefore]);
      const other = randomUUID();
      await inTx(async (tx) => {
        await tx.manager.query(`SET LOCAL lock_timeout = '2s'`);
        expect(await pins.takePinBlock(tx, other, now, forgetBefore)).toBe(true);
      });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it.each([
    {
      statement: 'a PIN block',
      prepare: `PREPARE take(text, timestamptz, timestamptz) AS ${TAKE_PIN_BLOCK_SQL}`,
      execute: (at: string, forgetBefore: string) => `EXECUTE take('${randomUUID()}', '${at}', '${forgetBefore}')`,
    },
    {
      statement: "a chunk's PIN blocks",
      prepare: `PREPARE take(char(43)[], timestamptz[], timestamptz) AS ${TAKE_PIN_BLOCKS_SQL}`,
      execute: (at: string, forgetBefore: string) => `EXECUTE take(ARRAY['${randomUUID()}', '${randomUUID()}'], ARRAY['${at}', '${at}']::timestamptz[], '${forgetBefore}')`,
    },
  ])('takes $statement with a plan PostgreSQL reuses, not one planned on every debit', async ({ prepare, execute }) => {
    // A bank's worth of recent uses and expired ones, as the table holds while debits go on.
    const now = Date.now();
    await dataSource.query(`DELETE FROM sandbox_pin_block_uses`);
    await dataSource.query(
      `INSERT INTO sandbox_pin_block_uses (block_id, used_at) SELECT md5(n::text), to_timestamp($1::float8 / 1000 - n) FROM generate_series(1, 5000) AS n`,
      [now],
    );
    await dataSource.query('ANALYZE sandbox_pin_block_uses');
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(prepare);
      const forgetBefore = new Date(now - 600_000).toISOString();
      // PostgreSQL plans the first five executions for their values, then weighs its generic plan.
      for (let i = 0; i < 7; i += 1) await runner.query(execute(new Date(now).toISOString(), forgetBefore));
      expect(await runner.query(`SELECT generic_plans::int AS generic FROM pg_prepared_statements WHERE name = 'take'`)).toEqual([{ generic: 2 }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.query('DEALLOCATE take').catch(() => undefined);
      await runner.release();
    }
  });

  it("forgets expired uses at a chunk's end, not the blocks it takes", async () => {
    const forgetBefore = new Date(Date.now() - 60_000);
    const expired = Array.from({ length: 300 }, () => randomUUID());
    await dataSource.query(`DELETE FROM sandbox_pin_block_uses`);
    await dataSource.query(`INSERT INTO sandbox_pin_block_uses (block_id, used_at) SELECT unnest($1::text[]), $2`, [expired, new Date(forgetBefore.getTime() - 1000)]);
    const taken = [randomUUID(), randomUUID()];

    await dataSource.transaction(async (manager) => {
      await pins.rememberChunkPins({ manager }, { accountRefs: [], pinBlockIds: taken });
      for (const blockId of taken) expect(await pins.takePinBlock({ manager }, blockId, new Date(), forgetBefore)).toBe(true);
      await pins.writeTakenPinBlocks({ manager });
    });

    const [{ left }] = await dataSource.query<Array<{ left: number }>>(`SELECT count(*)::int AS left FROM sandbox_pin_block_uses WHERE used_at < $1`, [forgetBefore]);
    expect(left).toBe(300 - 256);
    const rows = await dataSource.query<Array<{ block_id: string }>>(`SELECT block_id FROM sandbox_pin_block_uses WHERE used_at >= $1`, [forgetBefore]);
    expect(rows.map(({ block_id }) => block_id.trim()).sort()).toEqual([...taken].sort());
  });
});
