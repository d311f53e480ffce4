import { Injectable } from '@nestjs/common';
import { maskAccountNumber } from '@kirim/contracts';
import { SandboxAccountDto } from '../sandbox-bank.dto';
import { SandboxLedgerRepository } from '../sandbox-ledger.repository';
import { findSandboxBank } from '../sandbox-banks';
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
      accountRef: account.accountRef,
      bankCode: account.bankCode,
      bankName: findSandboxBank(account.bankCode)?.name ?? account.bankCode,
      maskedAccountNumber: maskAccountNumber(account.accountNumber),
      holderName: account.holderName,
      balance: moneyDtoOf(account.balanceMinor, account.currency),
    }));
  }
}
