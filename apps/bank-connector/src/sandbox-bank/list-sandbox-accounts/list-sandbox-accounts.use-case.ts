import { Injectable } from '@nestjs/common';
import { SandboxAccountDto } from '../sandbox-bank.dto';
import { SandboxLedgerRepository } from '../sandbox-ledger.repository';
import { describeSandboxAccount } from '../sandbox-banks';
import { moneyDtoOf } from '../sandbox-money';

export interface ListSandboxAccountsCommand {
  readonly mobile: string;
}

/** The sandbox administration view of the accounts registered to a number: masked numbers, holders, balances. */
@Injectable()
export class ListSandboxAccounts {
  constructor(private readonly ledger: SandboxLedgerRepository) {}

  async execute({ mobile }: ListSandboxAccountsCommand): Promise<SandboxAccountDto[]> {
    const accounts = await this.ledger.findCustomerAccountsByMobile(mobile);
    return accounts.map((account) => ({
      ...describeSandboxAccount(account),
      holderName: account.holderName,
      balance: moneyDtoOf(account.balanceMinor, account.currency),
    }));
  }
}
