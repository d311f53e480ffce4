import { EVENT_TYPES } from '@kirim/contracts';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { aLinkedAccount, aUser, FakeBankAccountDirectory, FakeTransactions, InMemoryLinkedAccounts, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { LinkBankAccount } from './link-bank-account.use-case';

const ACCOUNT_A = { accountRef: 'aaaaaaaa-0000-4000-8000-000000000001', bankCode: 'SBXA', bankName: 'Sandbox Bank A', maskedAccountNumber: 'XXXXXXXX0001', holderName: 'Asha Kumari' };
const ACCOUNT_B = { accountRef: 'bbbbbbbb-0000-4000-8000-000000000002', bankCode: 'SBXB', bankName: 'Sandbox Bank B', maskedAccountNumber: 'XXXXXXXX0002', holderName: 'Asha Kumari' };
const SOMEONE_ELSES = { accountRef: 'cccccccc-0000-4000-8000-000000000003', bankCode: 'SBXA', bankName: 'Sandbox Bank A', maskedAccountNumber: 'XXXXXXXX0003', holderName: 'Ravi Shankar' };

describe('LinkBankAccount', () => {
  let transactions: FakeTransactions;
  let users: InMemoryUsers;
  let accounts: InMemoryLinkedAccounts;
  let directory: FakeBankAccountDirectory;
  let linkBankAccount: LinkBankAccount;
  const asha = aUser({ phone: '+919876500001' });
  const ravi = aUser({ id: '44444444-4444-4444-8444-444444444444', phone: '+919876500002' });

  beforeEach(() => {
    transactions = new FakeTransactions();
    users = new InMemoryUsers();
    accounts = new InMemoryLinkedAccounts();
    directory = new FakeBankAccountDirectory();
    users.add(asha);
    users.add(ravi);
    directory.accountsByMobile.set(asha.phone, [ACCOUNT_A, ACCOUNT_B]);
    directory.accountsByMobile.set(ravi.phone, [SOMEONE_ELSES]);
    linkBankAccount = new LinkBankAccount(transactions, users, accounts, directory, new FixedClock(), new SequentialIds());
  });

  const link = (accountRef: string) => linkBankAccount.execute({ userId: asha.id, accountRef });

  it("links an account discovered for the user's own phone as primary and emits BankAccountLinked", async () => {
    const result = await link(ACCOUNT_A.accountRef);

    if (!result.ok) throw new Error(`expected a link, got ${result.code}`);
    expect(result.created).toBe(true);
    expect(result.account).toMatchObject({ userId: asha.id, accountRef: ACCOUNT_A.accountRef, bankCode: 'SBXA', maskedAccountNumber: 'XXXXXXXX0001', isPrimary: true });
    expect(directory.lookups).toEqual([asha.phone]);
    expect(transactions.published).toEqual([
      {
        type: EVENT_TYPES.BANK_ACCOUNT_LINKED,
        key: asha.id,
        data: {
          userId: asha.id,
          linkedAccountId: result.account.id,
          bankCode: 'SBXA',
          maskedAccountNumber: 'XXXXXXXX0001',
          linkedAt: result.account.linkedAt.toISOString(),
        },
      },
    ]);
  });

  it("keeps the bank-registered holder name and bank name from the bank's answer, and keeps the name out of the event", async () => {
    const result = await link(ACCOUNT_A.accountRef);

    if (!result.ok) throw new Error(`expected a link, got ${result.code}`);
    expect(result.account).toMatchObject({ holderName: 'Asha Kumari', bankName: 'Sandbox Bank A' });
    expect(accounts.rows[0]).toMatchObject({ holderName: 'Asha Kumari', bankName: 'Sandbox Bank A' });
    expect(JSON.stringify(transactions.published)).not.toContain('Kumari');
  });

  it('makes only the first linked account primary', async () => {
    await link(ACCOUNT_A.accountRef);
    const second = await link(ACCOUNT_B.accountRef);

    expect(second).toMatchObject({ ok: true, created: true, account: { accountRef: ACCOUNT_B.accountRef, isPrimary: false } });
    expect(accounts.rows.filter((row) => row.isPrimary)).toHaveLength(1);
  });

  it('is idempotent: linking the same account again returns the existing link without asking the banks or emitting', async () => {
    const first = await link(ACCOUNT_A.accountRef);
    directory.available = false;

    const again = await link(ACCOUNT_A.accountRef);

    expect(again).toEqual({ ok: true, created: false, account: first.ok ? first.account : undefined });
    expect(accounts.rows).toHaveLength(1);
    expect(transactions.published).toHaveLength(1);
  });

  it("refuses an account the banks hold for someone else's number", async () => {
    const result = await link(SOMEONE_ELSES.accountRef);

    expect(result).toEqual({ ok: false, code: 'account-not-found' });
    expect(accounts.rows).toEqual([]);
    expect(transactions.published).toEqual([]);
  });

  it('reports the banks being unreachable as dependency-unavailable', async () => {
    directory.available = false;
    expect(await link(ACCOUNT_A.accountRef)).toEqual({ ok: false, code: 'dependency-unavailable' });
    expect(transactions.transactions).toBe(0);
  });

  it('answers user-not-found for a token whose user does not exist', async () => {
    const result = await linkBankAccount.execute({ userId: '99999999-9999-4999-8999-999999999999', accountRef: ACCOUNT_A.accountRef });
    expect(result).toEqual({ ok: false, code: 'user-not-found' });
  });

  it('keeps an existing primary when a link arrives after another one', async () => {
    accounts.add(aLinkedAccount({ userId: asha.id, accountRef: ACCOUNT_B.accountRef, isPrimary: true }));
    const result = await link(ACCOUNT_A.accountRef);
    expect(result).toMatchObject({ ok: true, created: true, account: { isPrimary: false } });
  });
});
