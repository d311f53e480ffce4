import { aUser, FakeBankAccountDirectory, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { DiscoverBankAccounts } from './discover-bank-accounts.use-case';

describe('DiscoverBankAccounts', () => {
  const asha = aUser({ phone: '+919876500001' });
  const account = { accountRef: 'aaaaaaaa-0000-4000-8000-000000000001', bankCode: 'SBXA', bankName: 'Sandbox Bank A', maskedAccountNumber: 'XXXXXXXX0001', holderName: 'Asha Kumari' };

  function setUp() {
    const users = new InMemoryUsers();
    users.add(asha);
    const directory = new FakeBankAccountDirectory();
    directory.accountsByMobile.set(asha.phone, [account]);
    return { directory, discover: new DiscoverBankAccounts(users, directory) };
  }

  it("asks the banks about the phone number on record, forwarding the caller's token", async () => {
    const { directory, discover } = setUp();

    expect(await discover.execute({ userId: asha.id })).toEqual({ ok: true, accounts: [account] });
    expect(directory.lookups).toEqual([asha.phone]);
  });

  it('maps an unreachable directory to dependency-unavailable', async () => {
    const { directory, discover } = setUp();
    directory.available = false;
    expect(await discover.execute({ userId: asha.id })).toEqual({ ok: false, code: 'dependency-unavailable' });
  });

  it('answers user-not-found for an unknown user without asking the banks', async () => {
    const { directory, discover } = setUp();
    expect(await discover.execute({ userId: '99999999-9999-4999-8999-999999999999' })).toEqual({ ok: false, code: 'user-not-found' });
    expect(directory.lookups).toEqual([]);
  });
});
