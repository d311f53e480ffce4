import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { RESULT_CODES } from '@kirim/contracts';
import { createMigratedTestDatabase, eventually, MigratedTestDatabase, testDataProtection } from '@kirim/testing';
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

async function postingsOf(requestId: string): Promise<Array<{ result_code: string; rrn: string | null; entries: string }>> {
  return dataSource.query(
    `SELECT p.result_code, p.rrn, (SELECT COUNT(*) FROM sandbox_ledger_entries e WHERE e.posting_id = p.id)::text AS entries
       FROM sandbox_postings p WHERE p.request_id = $1`,
    [requestId],
  );
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
        await ledger.lockLegAccounts({ manager }, order.map((accountRef) => ({ accountRef, requestId: randomUUID() })), { remember: false });
        await ledger.applyLeg({ manager }, leg('debit', banks[0], order[0], 1_000n));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await ledger.applyLeg({ manager }, leg('debit', banks[1], order[1], 1_000n));
      });
    await Promise.all([chunk([first, second], ['SBXA', 'SBXB']), chunk([second, first], ['SBXB', 'SBXA'])]);
    expect(await balanceOf(first)).toBe(98_000n);
    expect(await balanceOf(second)).toBe(98_000n);
    await expectLedgerSound();
  });

  describe('a chunk that reads its legs once and writes their postings together (lockLegAccounts with remember)', () => {
    /**
     * Applies legs in one transaction as a consumer chunk run as one does, then writes what they left
     * for later, counting the statements each leg made and the write at the end.
     */
    async function applyAsChunk(legs: readonly SandboxLegInput[]): Promise<{ results: Array<{ outcome: SandboxLegOutcome; statements: number }>; finish: number }> {
      return dataSource.transaction(async (manager) => {
        await ledger.lockLegAccounts({ manager }, legs, { remember: true });
        const results: Array<{ outcome: SandboxLegOutcome; statements: number }> = [];
        const query = jest.spyOn(manager, 'query');
        try {
          for (const input of legs) {
            query.mockClear();
            results.push({ outcome: await ledger.applyLeg({ manager }, input), statements: query.mock.calls.length });
          }
          query.mockClear();
          await ledger.writeDeferredPostings({ manager });
          return { results, finish: query.mock.calls.length };
        } finally {
          query.mockRestore();
        }
      });
    }

    it('decides each leg on the balance the earlier legs of the chunk left, and writes all their postings with one statement', async () => {
      const account = await openAccount('SBXA', 10_000n);
      const payee = await openAccount('SBXB', 0n);
      const first = leg('debit', 'SBXA', account, 6_000n);
      const declined = leg('debit', 'SBXA', account, 6_000n);
      const settlementA = await settlementBalanceOf('SBXA');

      const { results, finish } = await applyAsChunk([first, declined, leg('credit', 'SBXB', payee, 6_000n), leg('debit', 'SBXA', account, 4_000n)]);

      expect(results.map(({ outcome }) => outcome)).toEqual([
        { approved: true, rrn: expect.stringMatching(/^\d{12}$/), replayed: false },
        { approved: false, resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, reason: expect.any(String), replayed: false },
        { approved: true, rrn: expect.stringMatching(/^\d{12}$/), replayed: false },
        { approved: true, rrn: expect.stringMatching(/^\d{12}$/), replayed: false },
      ]);
      expect(results.map(({ statements }) => statements)).toEqual([0, 0, 0, 0]);
      expect(finish).toBe(1);
      expect(new Set(results.flatMap(({ outcome }) => (outcome.approved ? [outcome.rrn] : []))).size).toBe(3);
      expect(await balanceOf(account)).toBe(0n);
      expect(await balanceOf(payee)).toBe(6_000n);
      expect(await settlementBalanceOf('SBXA')).toBe(settlementA + 10_000n);
      // The tables hold what the chunk answered: each leg is answered the same when it comes again.
      expect(await apply(first)).toEqual({ ...results[0].outcome, replayed: true });
      expect(await apply(declined)).toEqual({ ...results[1].outcome, replayed: true });
      expect(await postingsOf(first.requestId)).toEqual([{ result_code: '00', rrn: (results[0].outcome as { rrn: string }).rrn, entries: '2' }]);
      expect(await postingsOf(declined.requestId)).toEqual([{ result_code: RESULT_CODES.INSUFFICIENT_FUNDS, rrn: null, entries: '0' }]);
      await expectLedgerSound();
    });

    it('answers a request id repeated in the chunk from the chunk\'s own posting, and refuses its reuse for another leg, moving money once', async () => {
      const account = await openAccount('SBXA', 10_000n);
      const request = leg('debit', 'SBXA', account, 3_000n);

      const { results } = await applyAsChunk([request, request, { ...request, amountMinor: 3_001n }]);

      expect(results[0].outcome).toMatchObject({ approved: true, replayed: false });
      expect(results[1].outcome).toEqual({ ...results[0].outcome, replayed: true });
      expect(results[2].outcome).toEqual({ approved: false, refused: true, reason: expect.stringContaining('amount differs') });
      expect(await balanceOf(account)).toBe(7_000n);
      expect(await postingsOf(request.requestId)).toHaveLength(1);
      await expectLedgerSound();
    });

    it('answers from what was recorded before the chunk, and declines an unknown account, from memory', async () => {
      const account = await openAccount('SBXB', 10_000n);
      const earlier = leg('credit', 'SBXB', account, 500n);
      const recorded = await apply(earlier);
      const nowhere = randomUUID();

      const { results } = await applyAsChunk([earlier, leg('debit', 'SBXA', nowhere, 100n)]);

      expect(results[0]).toEqual({ outcome: { ...recorded, replayed: true }, statements: 0 });
      expect(results[1].outcome).toMatchObject({ approved: false, resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING, replayed: false });
      expect(await balanceOf(account)).toBe(10_500n);
    });

    it('writes what it left for later before it reads a leg it was not told of from the tables, and keeps the balance it remembers true', async () => {
      const account = await openAccount('SBXA', 10_000n);
      const told = leg('debit', 'SBXA', account, 1_000n);
      const untold = leg('debit', 'SBXA', account, 2_000n);
      const last = leg('debit', 'SBXA', account, 7_001n);

      const outcomes = await dataSource.transaction(async (manager) => {
        await ledger.lockLegAccounts({ manager }, [told, last], { remember: true });
        const applied = [await ledger.applyLeg({ manager }, told), await ledger.applyLeg({ manager }, untold), await ledger.applyLeg({ manager }, last)];
        await ledger.writeDeferredPostings({ manager });
        return applied;
      });

      expect(outcomes.map((outcome) => outcome.approved)).toEqual([true, true, false]);
      expect(outcomes[2]).toMatchObject({ resultCode: RESULT_CODES.INSUFFICIENT_FUNDS });
      expect(await balanceOf(account)).toBe(7_000n);
      await expectLedgerSound();
    });

    it('sees the balance and the answers a transaction holding the account committed while the chunk waited for its lock', async () => {
      const account = await openAccount('SBXA', 10_000n);
      const request = leg('debit', 'SBXA', account, 4_000n);
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const holder = dataSource.transaction(async (manager) => {
        await ledger.lockLegAccounts({ manager }, [request], { remember: false });
        const outcome = await ledger.applyLeg({ manager }, request);
        holding();
        // Long enough for the chunk below to be waiting on the account's lock when this commits.
        await new Promise((resolve) => setTimeout(resolve, 300));
        return outcome;
      });
      await held;

      const { results } = await applyAsChunk([request, leg('debit', 'SBXA', account, 6_001n)]);

      const first = await holder;
      // Answered from what the chunk read after its lock, not found out by a conflicting posting.
      expect(results[0]).toEqual({ outcome: { ...first, replayed: true }, statements: 0 });
      expect(results[1].outcome).toMatchObject({ approved: false, resultCode: RESULT_CODES.INSUFFICIENT_FUNDS });
      expect(await balanceOf(account)).toBe(6_000n);
      await expectLedgerSound();
    });
    it('finds legs whose ids are written in upper case (a uuid is a uuid whatever its case)', async () => {
      const account = await openAccount('SBXA', 10_000n);
      const shouted = leg('debit', 'SBXA', account.toUpperCase(), 4_000n);

      const { results } = await applyAsChunk([{ ...shouted, requestId: shouted.requestId.toUpperCase() }, { ...shouted, requestId: shouted.requestId.toUpperCase() }]);

      expect(results[0].outcome).toMatchObject({ approved: true, replayed: false });
      expect(results[1].outcome).toEqual({ ...results[0].outcome, replayed: true });
      expect(await balanceOf(account)).toBe(6_000n);
    });

    it('writes at once a leg applied after the chunk was finished, and refuses to remember a second chunk over unwritten postings', async () => {
      const account = await openAccount('SBXA', 10_000n);
      const first = leg('debit', 'SBXA', account, 1_000n);
      const after = leg('debit', 'SBXA', account, 2_000n);

      await dataSource.transaction(async (manager) => {
        await ledger.lockLegAccounts({ manager }, [first, after], { remember: true });
        await ledger.applyLeg({ manager }, first);
        await expect(ledger.lockLegAccounts({ manager }, [after], { remember: true })).rejects.toThrow('left unwritten');
        await ledger.writeDeferredPostings({ manager });
        await ledger.applyLeg({ manager }, after);
        const [row] = await manager.query<Array<{ count: string }>>(`SELECT count(*)::text AS count FROM sandbox_postings WHERE request_id = ANY($1::uuid[])`, [[first.requestId, after.requestId]]);
        expect(row.count).toBe('2');
      });

      expect(await balanceOf(account)).toBe(7_000n);
      await expectLedgerSound();
    });

    it("throws at the write, undoing the whole chunk, when another transaction took one of its request ids meanwhile", async () => {
      const account = await openAccount('SBXA', 10_000n);
      const other = await openAccount('SBXA', 10_000n);
      const kept = leg('debit', 'SBXA', account, 1_000n);
      const contested = leg('debit', 'SBXA', account, 2_000n);

      const chunk = dataSource.transaction(async (manager) => {
        await ledger.lockLegAccounts({ manager }, [kept, contested], { remember: true });
        await ledger.applyLeg({ manager }, kept);
        await ledger.applyLeg({ manager }, contested);
        // The same request id, naming another account, posted and committed by another transaction.
        await apply({ ...contested, accountRef: other });
        await ledger.writeDeferredPostings({ manager });
      });

      await expect(chunk).rejects.toThrow('1 of the chunk\'s 2 sandbox postings found their request id taken by another transaction');
      expect(await balanceOf(account)).toBe(10_000n);
      expect(await balanceOf(other)).toBe(8_000n);
      expect(await postingsOf(kept.requestId)).toEqual([]);
      await expectLedgerSound();
    });

    it('throws at the write, writing nothing, when a bank of the chunk has no settlement account', async () => {
      const account = await openAccount('SBXZ', 0n);
      const credit = leg('credit', 'SBXZ', account, 1_000n);

      const chunk = dataSource.transaction(async (manager) => {
        await ledger.lockLegAccounts({ manager }, [credit], { remember: true });
        expect(await ledger.applyLeg({ manager }, credit)).toMatchObject({ approved: true });
        await ledger.writeDeferredPostings({ manager });
      });

      await expect(chunk).rejects.toThrow('no settlement account');
      expect(await balanceOf(account)).toBe(0n);
      expect(await postingsOf(credit.requestId)).toEqual([]);
    });
  });

  describe('frozen accounts', () => {
    it('declines a credit to an account frozen for credits with YF, moves nothing, records it, and answers a redelivery the same after the freeze is lifted', async () => {
      const account = await openAccount('SBXB', 10_000n);
      const settlement = await settlementBalanceOf('SBXB');
      expect(await ledger.setFreeze(account, 'credit')).toMatchObject({ accountRef: account, freeze: 'credit', balanceMinor: 10_000n });
      const credit = leg('credit', 'SBXB', account, 2_500n);

      expect(await apply(credit)).toEqual({ approved: false, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN, reason: 'account is frozen for credits', replayed: false });
      expect(await balanceOf(account)).toBe(10_000n);
      expect(await settlementBalanceOf('SBXB')).toBe(settlement);
      expect(await postingsOf(credit.requestId)).toEqual([{ result_code: 'YF', rrn: null, entries: '0' }]);
      // Money still goes out of an account frozen for credits only.
      expect(await apply(leg('debit', 'SBXB', account, 1_000n))).toMatchObject({ approved: true });

      expect(await ledger.setFreeze(account, 'none')).toMatchObject({ freeze: 'none' });
      // The declined request keeps its answer; a new request for the same credit goes through.
      expect(await apply(credit)).toMatchObject({ approved: false, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN, replayed: true });
      expect(await apply(leg('credit', 'SBXB', account, 2_500n))).toMatchObject({ approved: true, replayed: false });
      expect(await balanceOf(account)).toBe(11_500n);
      await expectLedgerSound();
    });

    it('declines a debit from an account frozen for debits with YE even with the money there, and lets credits in', async () => {
      const account = await openAccount('SBXA', 10_000n);
      await ledger.setFreeze(account, 'debit');
      const debit = leg('debit', 'SBXA', account, 2_500n);

      expect(await apply(debit)).toMatchObject({ approved: false, resultCode: RESULT_CODES.REMITTER_ACCOUNT_FROZEN, replayed: false });
      expect(await postingsOf(debit.requestId)).toEqual([{ result_code: 'YE', rrn: null, entries: '0' }]);
      expect(await apply(leg('credit', 'SBXA', account, 500n))).toMatchObject({ approved: true });
      expect(await balanceOf(account)).toBe(10_500n);

      await ledger.setFreeze(account, 'none');
      expect(await apply(leg('debit', 'SBXA', account, 2_500n))).toMatchObject({ approved: true, replayed: false });
      expect(await balanceOf(account)).toBe(8_000n);
      await expectLedgerSound();
    });

    it('answers a debit the PIN check refuses with the PIN\'s code, and only an authorized one with YE', async () => {
      const account = await openAccount('SBXA', 10_000n);
      await ledger.setFreeze(account, 'debit');
      const applyAuthorized = (pinDecline: { resultCode: typeof RESULT_CODES.WRONG_PIN; reason: string } | null) =>
        dataSource.transaction((manager) => ledger.applyLeg({ manager }, leg('debit', 'SBXA', account, 100n), () => Promise.resolve(pinDecline)));

      expect(await applyAuthorized({ resultCode: RESULT_CODES.WRONG_PIN, reason: 'wrong UPI PIN' })).toMatchObject({ approved: false, resultCode: RESULT_CODES.WRONG_PIN });
      expect(await applyAuthorized(null)).toMatchObject({ approved: false, resultCode: RESULT_CODES.REMITTER_ACCOUNT_FROZEN });
    });

    it('declines both ways under a total freeze', async () => {
      const account = await openAccount('SBXA', 10_000n);
      await ledger.setFreeze(account, 'total');

      expect(await apply(leg('debit', 'SBXA', account, 100n))).toMatchObject({ approved: false, resultCode: RESULT_CODES.REMITTER_ACCOUNT_FROZEN });
      expect(await apply(leg('credit', 'SBXA', account, 100n))).toMatchObject({ approved: false, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN });
      expect(await balanceOf(account)).toBe(10_000n);
      await expectLedgerSound();
    });

    it('declines a reversal to a payer frozen for credits, and pays it back on a new request once the freeze is lifted', async () => {
      const payer = await openAccount('SBXA', 10_000n);
      const payee = await openAccount('SBXB', 0n);
      await ledger.setFreeze(payee, 'credit');
      const paymentId = randomUUID();
      const payment = (direction: 'debit' | 'credit', bankCode: string, accountRef: string, purpose: 'payment' | 'reversal'): SandboxLegInput => ({
        ...leg(direction, bankCode, accountRef, 4_000n),
        paymentId,
        purpose,
      });

      expect(await apply(payment('debit', 'SBXA', payer, 'payment'))).toMatchObject({ approved: true });
      expect(await apply(payment('credit', 'SBXB', payee, 'payment'))).toMatchObject({ approved: false, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN });
      await ledger.setFreeze(payer, 'credit');
      expect(await apply(payment('credit', 'SBXA', payer, 'reversal'))).toMatchObject({ approved: false, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN });
      expect(await balanceOf(payer)).toBe(6_000n);
      expect(await balanceOf(payee)).toBe(0n);

      await ledger.setFreeze(payer, 'none');
      expect(await apply(payment('credit', 'SBXA', payer, 'reversal'))).toMatchObject({ approved: true, replayed: false });
      expect(await balanceOf(payer)).toBe(10_000n);
      await expectLedgerSound();
    });

    it('checks the freeze under the account lock: a freeze set while a leg holds the account applies from the next leg on', async () => {
      const account = await openAccount('SBXA', 10_000n);
      let releaseLeg!: () => void;
      const legHeld = new Promise<void>((resolve) => (releaseLeg = resolve));
      let legLocked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (legLocked = resolve));
      const inFlight = dataSource.transaction(async (manager) => {
        const outcome = await ledger.applyLeg({ manager }, leg('debit', 'SBXA', account, 1_000n));
        legLocked();
        await legHeld;
        return outcome;
      });
      await lockTaken;
      const freezing = ledger.setFreeze(account, 'debit');
      // The freeze waits on the leg's row lock before the leg is let go.
      await eventually(async () => {
        const waiting = await dataSource.query<unknown[]>(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE sandbox_accounts SET freeze_kind%'`,
        );
        expect(waiting).toHaveLength(1);
      });
      releaseLeg();

      expect(await inFlight).toMatchObject({ approved: true });
      expect(await freezing).toMatchObject({ freeze: 'debit', balanceMinor: 9_000n });
      expect(await apply(leg('debit', 'SBXA', account, 1_000n))).toMatchObject({ approved: false, resultCode: RESULT_CODES.REMITTER_ACCOUNT_FROZEN });
      await expectLedgerSound();
    });

    it('finds no account to freeze for an unknown reference or a settlement account, and the database refuses a frozen settlement account', async () => {
      expect(await ledger.setFreeze(randomUUID(), 'total')).toBeNull();
      const [settlement] = await dataSource.query<Array<{ id: string }>>(`SELECT id FROM sandbox_accounts WHERE kind = 'settlement' AND bank_code = 'SBXA'`);
      expect(await ledger.setFreeze(settlement.id, 'total')).toBeNull();
      await expect(dataSource.query(`UPDATE sandbox_accounts SET freeze_kind = 'total' WHERE id = $1`, [settlement.id])).rejects.toThrow(/sandbox_accounts_settlement_never_frozen/);
      const account = await openAccount('SBXA', 0n);
      await expect(dataSource.query(`UPDATE sandbox_accounts SET freeze_kind = 'frozen' WHERE id = $1`, [account])).rejects.toThrow(/sandbox_accounts_freeze_check/);
    });

    it('shows the freeze to the operator in the accounts listed by mobile', async () => {
      const mobile = '+919811113333';
      const frozen = await openAccount('SBXA', 100n, mobile);
      await openAccount('SBXB', 0n, mobile);
      await ledger.setFreeze(frozen, 'total');

      const accounts = await ledger.findAccountsForOperator(mobile);

      expect(accounts.map((account) => [account.bankCode, account.freeze])).toEqual([
        ['SBXA', 'total'],
        ['SBXB', 'none'],
      ]);
    });
  });
});
