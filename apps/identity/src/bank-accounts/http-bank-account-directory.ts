import { DiscoverBankAccountsAnswer, INTERNAL_OPERATIONS } from '@kirim/contracts';
import { InternalHttpClient } from '@kirim/platform';
import { BankAccountDirectory, BankAccountDiscovery } from './bank-account-directory';

/**
 * Long enough for a loaded bank-connector whose partner banks take their full account-lookup time
 * (at most 4 s, libs/contracts/src/partner-registry.ts), short enough that the user's request still
 * fails fast.
 */
export const BANK_CONNECTOR_TIMEOUT_MS = 6000;

/**
 * bank-connector's internal discover-bank-accounts, called with identity's own service token; the
 * answer is validated against the contract (libs/contracts internal-contracts.ts) by the client.
 */
export class HttpBankAccountDirectory extends BankAccountDirectory {
  constructor(private readonly client: InternalHttpClient) {
    super();
  }

  async findAccountsByMobile(mobile: string): Promise<BankAccountDiscovery> {
    const answer = await this.client.call(INTERNAL_OPERATIONS.DISCOVER_BANK_ACCOUNTS, { query: { mobile }, timeoutMs: BANK_CONNECTOR_TIMEOUT_MS }, DiscoverBankAccountsAnswer);
    if (!answer.ok) return { ok: false, reason: 'unavailable' };
    return {
      ok: true,
      accounts: answer.value.accounts.map(({ accountRef, bankCode, bankName, maskedAccountNumber, holderName }) => ({ accountRef, bankCode, bankName, maskedAccountNumber, holderName })),
    };
  }
}
