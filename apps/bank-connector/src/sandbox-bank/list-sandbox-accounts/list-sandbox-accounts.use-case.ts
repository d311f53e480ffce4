import { Injectable } from '@nestjs/common';
import { SandboxAccountDto } from '../sandbox-bank.dto';
import { SandboxLedgerRepository } from '../sandbox-ledger.repository';
import { sandboxAccountDtoOf } from '../sandbox-banks';

export interface ListSandboxAccountsCommand {
  readonly mobile: string;
}

/** The sandbox administration view of the accounts registered to a number: masked numbers, holders, balances, freezes. */
@Injectable()
export class ListSandboxAccounts {
  constructor(private readonly ledger: SandboxLedgerRepository) {}

  async execute({ mobile }: ListSandboxAccountsCommand): Promise<SandboxAccountDto[]> {
    const accounts = await this.ledger.findAccountsForOperator(mobile);
    return accounts.map(sandboxAccountDtoOf);
  }
}
