import { Injectable } from '@nestjs/common';
import type { SandboxAccountFreeze } from '../sandbox-account.entity';
import { SandboxAccountDto } from '../sandbox-bank.dto';
import { SandboxLedgerRepository } from '../sandbox-ledger.repository';
import { sandboxAccountDtoOf } from '../sandbox-banks';

export interface SetSandboxAccountFreezeCommand {
  readonly accountRef: string;
  readonly freeze: SandboxAccountFreeze;
}

export type SetSandboxAccountFreezeResult =
  | { readonly ok: true; readonly account: SandboxAccountDto }
  | { readonly ok: false; readonly code: 'account-not-found' };

/**
 * The sandbox operator freezes an account as a bank does, or lifts the freeze ('none'): from the
 * next leg on, the ledger declines credits to an account frozen for credits (YF) and debits from
 * one frozen for debits (YE). Legs answered before keep their answers.
 */
@Injectable()
export class SetSandboxAccountFreeze {
  constructor(private readonly ledger: SandboxLedgerRepository) {}

  async execute(command: SetSandboxAccountFreezeCommand): Promise<SetSandboxAccountFreezeResult> {
    const account = await this.ledger.setFreeze(command.accountRef, command.freeze);
    return account === null ? { ok: false, code: 'account-not-found' } : { ok: true, account: sandboxAccountDtoOf(account) };
  }
}
