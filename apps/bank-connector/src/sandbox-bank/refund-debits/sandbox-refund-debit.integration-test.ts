/**
 * A merchant's refund at the sandbox bank (PostgreSQL): its debit goes without a UPI PIN, but only
 * from the account the refunded payment credited and for no more than that credit; a payment's
 * debit without a PIN is still declined.
 */
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { formatPinVerificationKey, generatePinVerificationKey, LegPurpose, Money, RESULT_CODES } from '@kirim/contracts';
import { SystemClock } from '@kirim/platform';
import { createMigratedTestDatabase, MigratedTestDatabase, testDataProtection } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { SandboxBankAdapter } from '../../adapters/sandbox/sandbox-bank.adapter';
import { BankLegOutcome, LegDirection } from '../../bank-legs/bank-adapter.port';
import { bankConnectorSchema } from '../../bank-connector.persistence';
import { TypeOrmSandboxLedgerRepository } from '../typeorm-sandbox-ledger.repository';
import { SandboxPinCheck } from '../upi-pin/sandbox-pin-check';
import { SandboxPinKeys } from '../upi-pin/sandbox-pin-keys';
import { TypeOrmSandboxUpiPinRepository } from '../upi-pin/typeorm-sandbox-upi-pin.repository';

let database: MigratedTestDatabase;
let dataSource: DataSource;
let ledger: TypeOrmSandboxLedgerRepository;
let adapter: SandboxBankAdapter;
let keyDir: string;

beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'kirim-refund-keys-'));
  mkdirSync(join(keyDir, 'SBXA'), { recursive: true });
  writeFileSync(join(keyDir, 'SBXA', 'SBXA-pin-test1.pem'), generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(keyDir, 'SBXA', 'current.kid'), 'SBXA-pin-test1\n');
  writeFileSync(join(keyDir, 'SBXA', 'pin-verification.keys'), formatPinVerificationKey(generatePinVerificationKey('SBXA-pvk-test1')));
  const protection = testDataProtection();
  database = await createMigratedTestDatabase('bank_connector_refunds', bankConnectorSchema(protection));
  dataSource = database.dataSource;
  ledger = new TypeOrmSandboxLedgerRepository(dataSource, protection.fields, protection.lookups);
  adapter = new SandboxBankAdapter(ledger, new SandboxPinCheck(SandboxPinKeys.load(keyDir, ['SBXA']), new TypeOrmSandboxUpiPinRepository(), new SystemClock()));
}, 30_000);

afterAll(async () => {
  await database?.close();
  rmSync(keyDir, { recursive: true, force: true });
});

async function openAccount(openingBalanceMinor = 0n): Promise<string> {
  const mobile = `+9196${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`;
  return (await ledger.openAccount({ bankCode: 'SBXA', mobile, holderName: 'Merchant Owner', openingBalanceMinor, currency: 'INR' })).accountRef;
}

function leg(direction: LegDirection, accountRef: string, value: string, fields: { paymentId: string; purpose: LegPurpose; refundOf?: string }): Promise<BankLegOutcome> {
  const command = {
    requestId: randomUUID(),
    txnId: `KRM${'0'.repeat(32)}`,
    bankCode: 'SBXA',
    accountRef,
    amount: Money.parse({ value, currency: 'INR' }) as Money,
    ...fields,
  };
  return dataSource.transaction((manager) => adapter.apply({ manager, publish: () => Promise.resolve(), afterCommit: () => undefined }, direction, command));
}

async function balanceOf(accountRef: string): Promise<bigint> {
  const [row] = await dataSource.query<Array<{ balance_minor: string }>>(`SELECT balance_minor FROM sandbox_accounts WHERE id = $1`, [accountRef]);
  return BigInt(row.balance_minor);
}

describe("the sandbox bank's refund debits (PostgreSQL)", () => {
  it('debits the account the refunded payment credited, without a PIN, up to that credit', async () => {
    const merchant = await openAccount();
    const orderPayment = randomUUID();
    expect(await leg('credit', merchant, '120.00', { paymentId: orderPayment, purpose: 'payment' })).toMatchObject({ kind: 'approved' });
    expect(await leg('debit', merchant, '20.00', { paymentId: randomUUID(), purpose: 'refund', refundOf: orderPayment })).toMatchObject({ kind: 'approved' });
    expect(await leg('debit', merchant, '100.00', { paymentId: randomUUID(), purpose: 'refund', refundOf: orderPayment })).toMatchObject({ kind: 'approved' });
    expect(await balanceOf(merchant)).toBe(0n);
    // The refund's credit into the customer needs nothing either, and is recorded as a refund.
    const customer = await openAccount();
    const refund = randomUUID();
    expect(await leg('credit', customer, '20.00', { paymentId: refund, purpose: 'refund', refundOf: orderPayment })).toMatchObject({ kind: 'approved' });
    const [{ purpose }] = await dataSource.query<Array<{ purpose: string }>>(`SELECT purpose FROM sandbox_postings WHERE payment_id = $1`, [refund]);
    expect(purpose).toBe('refund');
  });

  it('declines a PIN-less refund debit of an account the payment did not credit, above the credit, or naming no payment (U30)', async () => {
    const merchant = await openAccount(1_000_000n);
    const stranger = await openAccount(1_000_000n);
    const orderPayment = randomUUID();
    await leg('credit', merchant, '50.00', { paymentId: orderPayment, purpose: 'payment' });
    for (const [account, value, refundOf] of [
      [stranger, '10.00', orderPayment],
      [merchant, '50.01', orderPayment],
      [merchant, '10.00', randomUUID()],
      [merchant, '10.00', undefined],
    ] as const) {
      const outcome = await leg('debit', account, value, { paymentId: randomUUID(), purpose: 'refund', ...(refundOf !== undefined ? { refundOf } : {}) });
      expect(outcome).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.DEBIT_FAILED });
    }
    expect(await balanceOf(stranger)).toBe(1_000_000n);
    expect(await balanceOf(merchant)).toBe(1_005_000n);
  });

  it('still declines a payment debit that carries no PIN', async () => {
    const merchant = await openAccount(1_000_000n);
    expect(await leg('debit', merchant, '10.00', { paymentId: randomUUID(), purpose: 'payment' })).toMatchObject({ kind: 'declined', resultCode: RESULT_CODES.DEBIT_FAILED });
    expect(await balanceOf(merchant)).toBe(1_000_000n);
  });
});
