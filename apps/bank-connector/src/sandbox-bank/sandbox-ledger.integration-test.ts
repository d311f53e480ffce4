import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { RESULT_CODES } from '@kirim/contracts';
import { createMigratedTestDatabase, MigratedTestDatabase, testDataProtection } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { bankConnectorSchema } from '../bank-connector.persistence';
import { SandboxLegInput, SandboxLegOutcome } from './sandbox-ledger.repository';
import { TypeOrmSandboxLedgerRepository } from './typeorm-sandbox-ledger.repository';

let ledger: TypeOrmSandboxLedgerRepository;
let database: MigratedTestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  // Room for the concurrency tests' simultaneous transactions.
  const protection = testDataProtection();
  database = await createMigratedTestDatabase('bank_connector', bankConnectorSchema(protection), { poolSize: 12 });
  dataSource = database.dataSource;
  ledger = new TypeOrmSandboxLedgerRepository(dataSource, protection.fields, protection.lookups);
}, 30_000);

afterAll(async () => {
  await database?.close();
});

async function openAccount(bankCode: string, openingMinor: bigint, mobile = `+9198${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`): Promise<string> {
  const account = await ledger.openAccount({ bankCode, mobile, holderName: 'Test Holder', openingBalanceMinor: openingMinor, currency: 'INR' });
  return account.accountRef;
}

function leg(direction: 'debit' | 'credit', bankCode: string, accountRef: string, amountMinor: bigint, requestId = randomUUID()): SandboxLegInput {
  return { requestId, paymentId: randomUUID(), purpose: 'payment', direction, bankCode, accountRef, amountMinor, currency: 'INR' };
}

function apply(input: SandboxLegInput): Promise<SandboxLegOutcome> {
  return dataSource.transaction((manager) => ledger.applyLeg({ manager }, input));
}

async function balanceOf(accountRef: string): Promise<bigint> {
  const [row] = await dataSource.query<Array<{ balance_minor: string }>>(`SELECT balance_minor FROM sandbox_accounts WHERE id = $1`, [accountRef]);
  return BigInt(row.balance_minor);
}

async function settlementBalanceOf(bankCode: string): Promise<bigint> {
  const [row] = await dataSource.query<Array<{ balance: string }>>(
    `SELECT COALESCE(SUM(e.amount_minor), 0)::text AS balance
       FROM sandbox_ledger_entries e JOIN sandbox_accounts a ON a.id = e.account_id
      WHERE a.kind = 'settlement' AND a.bank_code = $1`,
    [bankCode],
  );
  return BigInt(row.balance);
}

async function expectLedgerSound(): Promise<void> {
  const summary = await ledger.summarize();
  expect(summary.totalMinorByCurrency.get('INR')).toBe(0n);
  expect(summary.unreconciledAccounts).toBe(0);
}

describe('sandbox ledger (PostgreSQL)', () => {
  it('creates one settlement account per sandbox bank in the migration', async () => {
    const rows = await dataSource.query<Array<{ bank_code: string }>>(`SELECT bank_code FROM sandbox_accounts WHERE kind = 'settlement' ORDER BY bank_code`);
    expect(rows.map((row) => row.bank_code)).toEqual(['SBXA', 'SBXB']);
  });

  it('pays the opening balance in from the settlement account, keeping the total at zero', async () => {
    const before = await settlementBalanceOf('SBXA');
    const account = await openAccount('SBXA', 1_000_000n);
    expect(await balanceOf(account)).toBe(1_000_000n);
    expect(await settlementBalanceOf('SBXA')).toBe(before - 1_000_000n);
    await expectLedgerSound();
  });

  it('moves exactly the amount on a debit at one bank and a credit at another', async () => {
    const asha = await openAccount('SBXA', 1_000_000n);
    const bala = await openAccount('SBXB', 100_000n);
    const settlementA = await settlementBalanceOf('SBXA');
    const settlementB = await settlementBalanceOf('SBXB');

    const debit = await apply(leg('debit', 'SBXA', asha, 50_000n));
    const credit = await apply(leg('credit', 'SBXB', bala, 50_000n));

    expect(debit).toEqual({ approved: true, rrn: expect.stringMatching(/^\d{12}$/), replayed: false });
    expect(credit).toEqual({ approved: true, rrn: expect.stringMatching(/^\d{12}$/), replayed: false });
    expect(await balanceOf(asha)).toBe(950_000n);
    expect(await balanceOf(bala)).toBe(150_000n);
    expect(await settlementBalanceOf('SBXA')).toBe(settlementA + 50_000n);
    expect(await settlementBalanceOf('SBXB')).toBe(settlementB - 50_000n);
    await expectLedgerSound();
  });

  it('declines a debit above the balance with Z9, moves nothing and records the decline', async () => {
    const account = await openAccount('SBXA', 10_000n);
    const request = leg('debit', 'SBXA', account, 10_001n);

    expect(await apply(request)).toMatchObject({ approved: false, resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, replayed: false });

    expect(await balanceOf(account)).toBe(10_000n);
    const postings = await dataSource.query<Array<{ result_code: string; rrn: string | null; entries: string }>>(
      `SELECT p.result_code, p.rrn, (SELECT COUNT(*) FROM sandbox_ledger_entries e WHERE e.posting_id = p.id)::text AS entries
         FROM sandbox_postings p WHERE p.request_id = $1`,
      [request.requestId],
    );
    expect(postings).toEqual([{ result_code: 'Z9', rrn: null, entries: '0' }]);
    // A redelivery gets the same answer even if the money has arrived since.
    await apply(leg('credit', 'SBXA', account, 5_000n));
    expect(await apply(request)).toMatchObject({ approved: false, resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, replayed: true });
    expect(await balanceOf(account)).toBe(15_000n);
    await expectLedgerSound();
  });

  it('declines an unknown account with XH on a debit and XI on a credit', async () => {
    const nowhere = randomUUID();
    expect(await apply(leg('debit', 'SBXA', nowhere, 100n))).toMatchObject({ approved: false, resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING });
    expect(await apply(leg('credit', 'SBXA', nowhere, 100n))).toMatchObject({ approved: false, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING });
  });

  it('declines an account held at another bank than the leg names', async () => {
    const atB = await openAccount('SBXB', 10_000n);
    expect(await apply(leg('debit', 'SBXA', atB, 100n))).toMatchObject({ approved: false, resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING });
    expect(await apply(leg('credit', 'SBXA', atB, 100n))).toMatchObject({ approved: false, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING });
    expect(await balanceOf(atB)).toBe(10_000n);
  });

  it('moves money once when the same request id arrives twice, and answers with the same RRN', async () => {
    const account = await openAccount('SBXA', 10_000n);
    const request = leg('debit', 'SBXA', account, 3_000n);

    const first = await apply(request);
    const second = await apply(request);

    expect(first).toMatchObject({ approved: true, replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await balanceOf(account)).toBe(7_000n);
    await expectLedgerSound();
  });

  it.each([
    ['another amount', (request: SandboxLegInput) => ({ ...request, amountMinor: request.amountMinor + 1n }), 'amount'],
    ['another account', (request: SandboxLegInput) => ({ ...request, accountRef: randomUUID() }), 'account'],
    ['another direction', (request: SandboxLegInput) => ({ ...request, direction: 'credit' as const }), 'direction'],
    ['another payment', (request: SandboxLegInput) => ({ ...request, paymentId: randomUUID() }), 'paymentId'],
  ])('refuses a request id reused with %s, moving nothing and answering nothing from the first', async (_what, reuse, field) => {
    const account = await openAccount('SBXA', 10_000n);
    const request = leg('debit', 'SBXA', account, 3_000n);
    expect(await apply(request)).toMatchObject({ approved: true, replayed: false });

    const reused = await apply(reuse(request));

    expect(reused).toEqual({ approved: false, refused: true, reason: expect.stringContaining(`${field} differs`) });
    expect(await balanceOf(account)).toBe(7_000n);
    const postings = await dataSource.query<Array<{ count: string }>>(`SELECT COUNT(*)::text AS count FROM sandbox_postings WHERE request_id = $1`, [request.requestId]);
    expect(postings).toEqual([{ count: '1' }]);
    await expectLedgerSound();
  });

  it('moves money once when the same request id arrives in concurrent transactions', async () => {
    const account = await openAccount('SBXB', 10_000n);
    const request = leg('credit', 'SBXB', account, 2_500n);

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => apply(request)));

    expect(new Set(outcomes.map((outcome) => (outcome.approved ? outcome.rrn : 'declined'))).size).toBe(1);
    expect(outcomes.filter((outcome) => 'replayed' in outcome && !outcome.replayed)).toHaveLength(1);
    expect(await balanceOf(account)).toBe(12_500n);
    await expectLedgerSound();
  });

  it('never overdraws an account under 20 concurrent debits', async () => {
    const account = await openAccount('SBXA', 1_000n);

    const outcomes = await Promise.all(Array.from({ length: 20 }, () => apply(leg('debit', 'SBXA', account, 150n))));

    const approved = outcomes.filter((outcome) => outcome.approved);
    const declined = outcomes.filter((outcome) => !outcome.approved);
    expect(approved).toHaveLength(6);
    expect(declined).toHaveLength(14);
    expect(declined.every((outcome) => 'resultCode' in outcome && outcome.resultCode === RESULT_CODES.INSUFFICIENT_FUNDS)).toBe(true);
    expect(await balanceOf(account)).toBe(100n);
    await expectLedgerSound();
  });

  it('lists customer accounts by mobile across both banks', async () => {
    const mobile = '+919811112222';
    const atA = await openAccount('SBXA', 100n, mobile);
    const atB = await openAccount('SBXB', 0n, mobile);

    const accounts = await ledger.findCustomerAccountsByMobile(mobile);

    expect(accounts.map((account) => [account.accountRef, account.bankCode, account.balanceMinor])).toEqual([
      [atA, 'SBXA', 100n],
      [atB, 'SBXB', 0n],
    ]);
    expect(accounts.every((account) => /^[1-9]\d{11}$/.test(account.accountNumber))).toBe(true);
  });

  it('refuses, in the database itself, an unbalanced posting and an overdrawn customer', async () => {
    const account = await openAccount('SBXA', 500n);
    await expect(
      dataSource.transaction(async (manager) => {
        const [posting] = await manager.query<Array<{ id: string }>>(
          `INSERT INTO sandbox_postings (request_id, purpose, direction, bank_code, customer_account_id, result_code, rrn, amount_minor, currency)
           VALUES ($1, 'payment', 'credit', 'SBXA', $2, '00', '999999999998', 1, 'INR') RETURNING id`,
          [randomUUID(), account],
        );
        await manager.query(`INSERT INTO sandbox_ledger_entries (posting_id, account_id, amount_minor) VALUES ($1, $2, 1)`, [posting.id, account]);
      }),
    ).rejects.toThrow(/unbalanced/);
    await expect(dataSource.query(`UPDATE sandbox_accounts SET balance_minor = -1 WHERE id = $1`, [account])).rejects.toThrow(
      /sandbox_accounts_customer_not_overdrawn/,
    );
    expect(await balanceOf(account)).toBe(500n);
    await expectLedgerSound();
  });

  it('lets two transactions that touch the same accounts in opposite orders both commit once each locks them in sorted order first', async () => {
    const first = await openAccount('SBXA', 100_000n);
    const second = await openAccount('SBXB', 100_000n);
    // Each transaction applies a leg on one account, pauses so the other can take its first lock,
    // then applies a leg on the other account: without the up-front sorted lock this is a deadlock.
    const chunk = (order: [string, string], banks: [string, string]) =>
      dataSource.transaction(async (manager) => {
        await ledger.lockAccountsInOrder({ manager }, order);
        await ledger.applyLeg({ manager }, leg('debit', banks[0], order[0], 1_000n));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await ledger.applyLeg({ manager }, leg('debit', banks[1], order[1], 1_000n));
      });
    await Promise.all([chunk([first, second], ['SBXA', 'SBXB']), chunk([second, first], ['SBXB', 'SBXA'])]);
    expect(await balanceOf(first)).toBe(98_000n);
    expect(await balanceOf(second)).toBe(98_000n);
    await expectLedgerSound();
  });
});
