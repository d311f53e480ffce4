import { Logger } from '@nestjs/common';
import { decryptForBank, EVENT_TYPES, PartnerAccountLookupRequested } from '@kirim/contracts';
import { FakeTransactionRunner, FixedClock, SequentialIds } from '@kirim/testing';
import type { KeyLike } from 'jose';
import { PartnerRegistry } from '../../partner-banks/partner-registry';
import { SandboxAccountView, SandboxLedgerRepository } from '../../sandbox-bank/sandbox-ledger.repository';
import { InMemoryPartnerAccountLookupRepository, onePartnerRegistry } from '../../testing/bank-connector-fakes';
import { DiscoverBankAccounts, LOOKUP_ANSWER_REUSE_MS } from './discover-bank-accounts.use-case';

const MOBILE = '+919800000042';
const PARTNER_ACCOUNT = { accountRef: '22222222-2222-4222-8222-222222222222', maskedAccountNumber: 'XXXXXXXX4321', holderName: 'Ravi Shankar' };

class SandboxAccounts implements Pick<SandboxLedgerRepository, 'findCustomerAccountsByMobile'> {
  constructor(private readonly accounts: SandboxAccountView[]) {}
  async findCustomerAccountsByMobile(): Promise<SandboxAccountView[]> {
    return this.accounts;
  }
}

describe('DiscoverBankAccounts', () => {
  let registry: PartnerRegistry;
  let decryptionKey: KeyLike;
  let lookups: InMemoryPartnerAccountLookupRepository;
  let transactions: FakeTransactionRunner;
  let clock: FixedClock;
  let useCase: DiscoverBankAccounts;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    ({ registry, decryptionKey } = await onePartnerRegistry());
    lookups = new InMemoryPartnerAccountLookupRepository();
    transactions = new FakeTransactionRunner();
    clock = new FixedClock();
    const sandbox = new SandboxAccounts([
      { accountRef: '11111111-1111-4111-8111-111111111111', bankCode: 'SBXA', accountNumber: '912345678901', holderName: 'Asha', currency: 'INR', balanceMinor: 100n },
    ]);
    useCase = new DiscoverBankAccounts(sandbox as unknown as SandboxLedgerRepository, registry, lookups, transactions, clock, new SequentialIds());
  });

  it("lists the sandbox banks' accounts and a partner's, with masked numbers only and the banks' holder names", async () => {
    lookups.answerWith = () => [PARTNER_ACCOUNT];

    const accounts = await useCase.execute({ mobile: MOBILE });

    expect(accounts).toEqual([
      { accountRef: '11111111-1111-4111-8111-111111111111', bankCode: 'SBXA', bankName: 'Sandbox Bank A', maskedAccountNumber: 'XXXXXXXX8901', holderName: 'Asha' },
      { accountRef: PARTNER_ACCOUNT.accountRef, bankCode: 'XMPL', bankName: 'Example Partner Bank', maskedAccountNumber: 'XXXXXXXX4321', holderName: 'Ravi Shankar' },
    ]);
  });

  it('asks the partner on its topic with the number encrypted for it, and waits its lookup timeout at most', async () => {
    lookups.answerWith = () => [PARTNER_ACCOUNT];

    await useCase.execute({ mobile: MOBILE });

    expect(transactions.published).toHaveLength(1);
    const [request] = transactions.published as Array<{ type: string; key: string; data: PartnerAccountLookupRequested }>;
    expect(request).toMatchObject({ type: EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_REQUESTED, key: request.data.lookupId, data: { bankCode: 'XMPL' } });
    expect(JSON.stringify(request.data)).not.toContain(MOBILE.slice(1));
    await expect(decryptForBank(request.data.mobile, decryptionKey)).resolves.toEqual({ mobile: MOBILE });
    expect(lookups.waitedMs).toEqual([2_000]);
    expect([...lookups.rows.values()][0]).toMatchObject({ mobile: MOBILE });
  });

  it("reuses a partner's recent answer instead of asking again (discovery, then linking)", async () => {
    lookups.answerWith = () => [PARTNER_ACCOUNT];
    await useCase.execute({ mobile: MOBILE });
    clock.current = new Date(clock.current.getTime() + LOOKUP_ANSWER_REUSE_MS - 1);

    expect(await useCase.execute({ mobile: MOBILE })).toHaveLength(2);
    expect(transactions.published).toHaveLength(1);

    clock.current = new Date(clock.current.getTime() + 2);
    await useCase.execute({ mobile: MOBILE });
    expect(transactions.published).toHaveLength(2);
  });

  it('leaves out a partner that does not answer in time, and still lists the others', async () => {
    lookups.answerWith = null;
    expect((await useCase.execute({ mobile: MOBILE })).map((account) => account.bankCode)).toEqual(['SBXA']);
  });
});
