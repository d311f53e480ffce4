import { Injectable } from '@nestjs/common';
import { BankAccountLinked, EVENT_TYPES } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { UserRepository } from '../../users/user.repository';
import { BankAccountDirectory } from '../bank-account-directory';
import type { LinkedBankAccount } from '../linked-bank-account';
import { LinkedBankAccountRepository } from '../linked-bank-account.repository';

export interface LinkBankAccountCommand {
  readonly userId: string;
  readonly accountRef: string;
}

export type LinkBankAccountResult =
  /** `created` false: the account was already linked and this is the existing link (idempotent retry). */
  | { readonly ok: true; readonly created: boolean; readonly account: LinkedBankAccount }
  | { readonly ok: false; readonly code: 'user-not-found' | 'account-not-found' | 'dependency-unavailable' };

/**
 * Links an account the banks hold for the caller's own phone number. The first linked account
 * becomes primary (payee resolution pays into and debits from the primary account).
 */
@Injectable()
export class LinkBankAccount {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly users: UserRepository,
    private readonly accounts: LinkedBankAccountRepository,
    private readonly directory: BankAccountDirectory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: LinkBankAccountCommand): Promise<LinkBankAccountResult> {
    const user = await this.users.findById(command.userId);
    if (!user) return { ok: false, code: 'user-not-found' };

    // A retry of a link that already succeeded answers from our own records, even if bank-connector is down.
    const alreadyLinked = (await this.accounts.listByUser(user.id)).find((account) => account.accountRef === command.accountRef);
    if (alreadyLinked) return { ok: true, created: false, account: alreadyLinked };

    // Only an account the banks hold for this user's own number can be linked: the accountRef
    // alone proves nothing, a client could have learnt someone else's.
    const discovery = await this.directory.findAccountsByMobile(user.phone);
    if (!discovery.ok) return { ok: false, code: 'dependency-unavailable' };
    const discovered = discovery.accounts.find((account) => account.accountRef === command.accountRef);
    if (!discovered) return { ok: false, code: 'account-not-found' };

    return this.transactions.run(async (tx): Promise<LinkBankAccountResult> => {
      // Locking the user serializes concurrent links of one user, so exactly one becomes primary
      // and a concurrent duplicate sees the first one's row instead of violating the unique key.
      if (!(await this.users.lockById(tx, user.id))) return { ok: false, code: 'user-not-found' };
      const existing = await this.accounts.listByUserIn(tx, user.id);
      const sameAccount = existing.find((account) => account.accountRef === command.accountRef);
      if (sameAccount) return { ok: true, created: false, account: sameAccount };

      const account: LinkedBankAccount = {
        id: this.ids.uuid(),
        userId: user.id,
        bankCode: discovered.bankCode,
        accountRef: discovered.accountRef,
        maskedAccountNumber: discovered.maskedAccountNumber,
        // From the bank, never from the client: payers are shown this name before they pay.
        holderName: discovered.holderName,
        bankName: discovered.bankName,
        isPrimary: existing.length === 0,
        linkedAt: this.clock.now(),
      };
      await this.accounts.insert(tx, account);
      await tx.publish<BankAccountLinked>({
        type: EVENT_TYPES.BANK_ACCOUNT_LINKED,
        key: user.id,
        data: {
          userId: user.id,
          linkedAccountId: account.id,
          bankCode: account.bankCode,
          maskedAccountNumber: account.maskedAccountNumber,
          linkedAt: account.linkedAt.toISOString(),
        },
      });
      return { ok: true, created: true, account };
    });
  }
}
