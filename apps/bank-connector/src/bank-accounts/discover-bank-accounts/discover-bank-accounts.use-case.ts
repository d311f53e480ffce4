import { Injectable } from '@nestjs/common';
import { maskAccountNumber } from '@kirim/contracts';
import { DataSource } from 'typeorm';
import { DiscoveredBankAccountDto, SandboxAccountDto } from '../sandbox-bank.dto';
import { SandboxLedger } from '../sandbox-ledger';
import { findSandboxBank } from '../sandbox-banks';
import { moneyDtoOf } from '../sandbox-money';

/**
 * Account discovery by mobile number across the sandbox banks, as UPI apps discover a user's
 * accounts from the number registered with each bank. Only masked numbers leave the service.
 */
@Injectable()
export class DiscoverBankAccounts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: SandboxLedger,
  ) {}

  async byMobile(mobile: string): Promise<DiscoveredBankAccountDto[]> {
    const accounts = await this.withBalancesByMobile(mobile);
    return accounts.map(({ balance: _balance, holderName: _holderName, ...account }) => account);
  }

  /** The sandbox administration view: the same accounts with their balances. */
  async withBalancesByMobile(mobile: string): Promise<SandboxAccountDto[]> {
    const accounts = await this.ledger.findCustomerAccountsByMobile(this.dataSource.manager, mobile);
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
