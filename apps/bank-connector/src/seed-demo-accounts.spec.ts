import { DEMO_ACCOUNTS, seedDemoAccounts } from './seed-demo-accounts';

/** A fake admin API holding accounts in memory, to check the seed without a running service. */
function fakeAdminApi(existing: Array<{ mobile: string; bankCode: string }>) {
  const accounts = existing.map((account, index) => ({ ...account, maskedAccountNumber: `XXXXXXXX000${index}` }));
  const posts: unknown[] = [];
  const fetchFn = async (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => {
    expect(init?.headers?.['x-sandbox-admin-token']).toBe('token-123');
    const parsed = new URL(url);
    if (init?.method === 'POST') {
      const body = JSON.parse(init.body ?? '{}') as { mobile: string; bankCode: string };
      posts.push(body);
      const created = { ...body, maskedAccountNumber: `XXXXXXXX100${accounts.length}` };
      accounts.push(created);
      return { status: 201, json: async () => created };
    }
    const mobile = parsed.searchParams.get('mobile');
    return { status: 200, json: async () => accounts.filter((account) => account.mobile === mobile) };
  };
  return { fetchFn, posts };
}

describe('seedDemoAccounts', () => {
  it('opens Asha at SBXA and Bala at SBXB with their opening balances', async () => {
    const api = fakeAdminApi([]);
    const outcomes = await seedDemoAccounts('http://bank', 'token-123', api.fetchFn);
    expect(outcomes.map((outcome) => [outcome.holderName, outcome.bankCode, outcome.created])).toEqual([
      ['Asha', 'SBXA', true],
      ['Bala', 'SBXB', true],
    ]);
    expect(api.posts).toEqual(DEMO_ACCOUNTS);
  });

  it('is idempotent: a second run opens nothing', async () => {
    const api = fakeAdminApi([]);
    await seedDemoAccounts('http://bank', 'token-123', api.fetchFn);
    const again = await seedDemoAccounts('http://bank', 'token-123', api.fetchFn);
    expect(again.every((outcome) => !outcome.created)).toBe(true);
    expect(api.posts).toHaveLength(2);
  });

  it('opens an account when the mobile exists only at another bank', async () => {
    const api = fakeAdminApi([{ mobile: '+919800000001', bankCode: 'SBXB' }]);
    const outcomes = await seedDemoAccounts('http://bank', 'token-123', api.fetchFn);
    expect(outcomes[0]).toMatchObject({ holderName: 'Asha', created: true });
  });

  it('says so when the admin API is switched off', async () => {
    const fetchFn = async () => ({ status: 404, json: async () => ({}) });
    await expect(seedDemoAccounts('http://bank', 'token-123', fetchFn)).rejects.toThrow(/SANDBOX_ADMIN_TOKEN/);
  });
});
