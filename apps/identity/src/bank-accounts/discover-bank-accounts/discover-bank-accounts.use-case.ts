import { Injectable } from '@nestjs/common';
import { UserRepository } from '../../users/user.repository';
import { BankAccountDirectory, DiscoverableBankAccount } from '../bank-account-directory';

export interface DiscoverBankAccountsCommand {
  readonly userId: string;
}

export type DiscoverBankAccountsResult =
  | { readonly ok: true; readonly accounts: readonly DiscoverableBankAccount[] }
  | { readonly ok: false; readonly code: 'user-not-found' | 'dependency-unavailable' };

/**
 * The accounts banks hold for the caller's phone number, as identity has it on record (never a
 * number the client supplies, so nobody can list the accounts of someone else's number).
 */
@Injectable()
export class DiscoverBankAccounts {
  constructor(
    private readonly users: UserRepository,
    private readonly directory: BankAccountDirectory,
  ) {}

  async execute(command: DiscoverBankAccountsCommand): Promise<DiscoverBankAccountsResult> {
    const user = await this.users.findById(command.userId);
    if (!user) return { ok: false, code: 'user-not-found' };
    const discovery = await this.directory.findAccountsByMobile(user.phone);
    if (!discovery.ok) return { ok: false, code: 'dependency-unavailable' };
    return { ok: true, accounts: discovery.accounts };
  }
}
