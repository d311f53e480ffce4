import { Injectable } from '@nestjs/common';
import type { LinkedBankAccount } from '../../bank-accounts/linked-bank-account';
import { LinkedBankAccountRepository } from '../../bank-accounts/linked-bank-account.repository';
import type { User } from '../user';
import { UserRepository } from '../user.repository';

export interface GetProfileCommand {
  readonly userId: string;
}

export type GetProfileResult = { readonly ok: true; readonly user: User; readonly bankAccounts: readonly LinkedBankAccount[] } | { readonly ok: false; readonly code: 'user-not-found' };

/** The caller's own profile with their linked accounts (primary first). */
@Injectable()
export class GetProfile {
  constructor(
    private readonly users: UserRepository,
    private readonly accounts: LinkedBankAccountRepository,
  ) {}

  async execute(command: GetProfileCommand): Promise<GetProfileResult> {
    const user = await this.users.findById(command.userId);
    if (!user) return { ok: false, code: 'user-not-found' };
    return { ok: true, user, bankAccounts: await this.accounts.listByUser(user.id) };
  }
}
