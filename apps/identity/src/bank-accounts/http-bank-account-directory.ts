import { Logger } from '@nestjs/common';
import { BANK_CODE_PATTERN, MASKED_ACCOUNT_PATTERN, validatePayload } from '@kirim/contracts';
import { IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { BankAccountDirectory, BankAccountDiscovery, DiscoverableBankAccount } from './bank-account-directory';

/**
 * Long enough for a loaded bank-connector whose partner banks take their full account-lookup time
 * (at most 4 s, libs/contracts/src/partner-registry.ts), short enough that the user's request still
 * fails fast.
 */
export const BANK_CONNECTOR_TIMEOUT_MS = 6000;

/** One entry of bank-connector's reply, validated: identity trusts no peer's JSON blindly. */
class DiscoveredAccountDto implements DiscoverableBankAccount {
  @IsUUID()
  accountRef!: string;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsString()
  @MaxLength(120)
  bankName!: string;

  @Matches(MASKED_ACCOUNT_PATTERN)
  maskedAccountNumber!: string;
}

export interface HttpBankAccountDirectoryOptions {
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  /** Injected for tests; Node's global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/** bank-connector's `GET /v1/bank-accounts?mobile=` over Node's fetch (wired with a factory: it takes options). */
export class HttpBankAccountDirectory extends BankAccountDirectory {
  private readonly logger = new Logger(HttpBankAccountDirectory.name);
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpBankAccountDirectoryOptions) {
    super();
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async findAccountsByMobile(mobile: string, bearerToken: string): Promise<BankAccountDiscovery> {
    const url = new URL('/v1/bank-accounts', this.options.baseUrl);
    url.searchParams.set('mobile', mobile);
    let body: unknown;
    try {
      const response = await this.fetch(url, {
        headers: { accept: 'application/json', authorization: `Bearer ${bearerToken}` },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? BANK_CONNECTOR_TIMEOUT_MS),
      });
      if (!response.ok) {
        // The URL carries the phone number: log the status only.
        this.logger.warn({ status: response.status }, 'bank-connector refused the account lookup');
        return { ok: false, reason: 'unavailable' };
      }
      body = await response.json();
    } catch (error: unknown) {
      this.logger.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'bank-connector unreachable');
      return { ok: false, reason: 'unavailable' };
    }
    return this.parseAccounts(body);
  }

  private parseAccounts(body: unknown): BankAccountDiscovery {
    // A bare array is the agreed shape; `{ accounts: [...] }` is accepted too while bank-connector settles.
    const list: unknown = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? (body as { accounts?: unknown }).accounts : undefined;
    if (!Array.isArray(list)) {
      this.logger.error('bank-connector answered the account lookup with an unexpected shape');
      return { ok: false, reason: 'unavailable' };
    }
    const accounts: DiscoverableBankAccount[] = [];
    for (const item of list) {
      const parsed = validatePayload(DiscoveredAccountDto, pickKnownFields(item));
      if (!parsed.ok) {
        this.logger.error({ errors: parsed.errors }, 'bank-connector returned an invalid account');
        return { ok: false, reason: 'unavailable' };
      }
      const { accountRef, bankCode, bankName, maskedAccountNumber } = parsed.value;
      accounts.push({ accountRef, bankCode, bankName, maskedAccountNumber });
    }
    return { ok: true, accounts };
  }
}

/** Extra fields bank-connector may add later are not identity's business; validate only what we use. */
function pickKnownFields(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const { accountRef, bankCode, bankName, maskedAccountNumber } = item as Record<string, unknown>;
  return { accountRef, bankCode, bankName, maskedAccountNumber };
}
