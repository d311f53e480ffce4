import { Injectable, Logger } from '@nestjs/common';
import { encryptForBank, EVENT_TYPES, PartnerAccountLookupRequested, PartnerMobilePlaintext } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { PartnerBank, PartnerRegistry } from '../../partner-banks/partner-registry';
import { SandboxLedgerRepository } from '../../sandbox-bank/sandbox-ledger.repository';
import { describeSandboxAccount } from '../../sandbox-bank/sandbox-banks';
import { PartnerAccountLookupRepository } from '../partner-account-lookup.repository';

/** An account some bank holds for the number: the masked number, the bank's own reference and the holder's registered name. */
export interface DiscoveredBankAccount {
  readonly accountRef: string;
  readonly bankCode: string;
  readonly bankName: string;
  readonly maskedAccountNumber: string;
  /** As the bank registered it: identity keeps it with a linked account and shows it masked to payers. */
  readonly holderName: string;
}

export interface DiscoverBankAccountsCommand {
  readonly mobile: string;
}

/**
 * A partner's answer is reused for this long, so that linking an account right after discovering
 * it (identity asks again, to check the account is the caller's) does not ask the bank twice.
 */
export const LOOKUP_ANSWER_REUSE_MS = 60_000;

/** Lookups older than this are deleted: they are only ever read within LOOKUP_ANSWER_REUSE_MS. */
export const LOOKUP_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Account discovery by mobile number across every bank, as UPI apps list a user's accounts from the
 * number registered with each bank (UPI's ListAccount): the sandbox banks from their ledger, each
 * partner bank by a lookup on its topic (the number encrypted for that bank alone) whose answer is
 * awaited up to the bank's lookup timeout. A bank that does not answer in time is left out of the
 * answer and logged. Only masked numbers leave the service.
 */
@Injectable()
export class DiscoverBankAccounts {
  private readonly logger = new Logger(DiscoverBankAccounts.name);

  constructor(
    private readonly ledger: SandboxLedgerRepository,
    private readonly registry: PartnerRegistry,
    private readonly lookups: PartnerAccountLookupRepository,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ mobile }: DiscoverBankAccountsCommand): Promise<DiscoveredBankAccount[]> {
    const [sandbox, ...partners] = await Promise.all([this.atSandboxBanks(mobile), ...this.registry.partners.map((partner) => this.atPartner(partner, mobile))]);
    return [...sandbox, ...partners.flat()];
  }

  private async atSandboxBanks(mobile: string): Promise<DiscoveredBankAccount[]> {
    const accounts = await this.ledger.findCustomerAccountsByMobile(mobile);
    return accounts.map(describeSandboxAccount);
  }

  private async atPartner(partner: PartnerBank, mobile: string): Promise<DiscoveredBankAccount[]> {
    const now = this.clock.now();
    const recent = await this.lookups.findAnswerSince(partner.bankCode, mobile, new Date(now.getTime() - LOOKUP_ANSWER_REUSE_MS));
    const accounts = recent ?? (await this.askPartner(partner, mobile, now));
    return (accounts ?? []).map((account) => ({
      accountRef: account.accountRef,
      bankCode: partner.bankCode,
      bankName: partner.name,
      maskedAccountNumber: account.maskedAccountNumber,
      holderName: account.holderName,
    }));
  }

  private async askPartner(partner: PartnerBank, mobile: string, now: Date): ReturnType<PartnerAccountLookupRepository['waitForAnswer']> {
    const lookupId = this.ids.uuid();
    const plaintext: PartnerMobilePlaintext = { mobile };
    const request: PartnerAccountLookupRequested = { lookupId, bankCode: partner.bankCode, mobile: await encryptForBank(plaintext, partner.encryptionKey) };
    await this.transactions.run(async (tx) => {
      await this.lookups.recordRequested(tx, { lookupId, bankCode: partner.bankCode, mobile, requestedAt: now });
      await tx.publish({ type: EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_REQUESTED, key: lookupId, data: request });
    });
    const answer = await this.lookups.waitForAnswer(lookupId, partner.lookupTimeoutMs);
    if (answer === null) this.logger.warn({ bankCode: partner.bankCode, lookupId, timeoutMs: partner.lookupTimeoutMs }, 'partner bank did not answer an account lookup in time; its accounts are left out');
    await this.lookups.deleteRequestedBefore(new Date(now.getTime() - LOOKUP_RETENTION_MS));
    return answer;
  }
}
