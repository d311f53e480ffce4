import { Injectable } from '@nestjs/common';
import { maskAccountNumber, Money, MoneyDto } from '@kirim/contracts';
import { OpenedSandboxAccountDto } from '../sandbox-bank.dto';
import { SandboxLedgerRepository } from '../sandbox-ledger.repository';
import { findSandboxBank } from '../sandbox-banks';
import { moneyDtoOf } from '../sandbox-money';

export interface OpenSandboxAccountCommand {
  readonly bankCode: string;
  readonly mobile: string;
  readonly holderName: string;
  readonly openingBalance: MoneyDto;
}

export type OpenSandboxAccountResult =
  | { readonly ok: true; readonly account: OpenedSandboxAccountDto }
  | { readonly ok: false; readonly code: 'unknown-bank' | 'invalid-amount'; readonly detail: string };

/**
 * Opens a customer account at a sandbox bank. The opening balance is a posting from the bank's
 * settlement account, in the same transaction, so the ledger stays balanced from the first rupee.
 */
@Injectable()
export class OpenSandboxAccount {
  constructor(private readonly ledger: SandboxLedgerRepository) {}

  async execute(command: OpenSandboxAccountCommand): Promise<OpenSandboxAccountResult> {
    const bank = findSandboxBank(command.bankCode);
    if (!bank) {
      return { ok: false, code: 'unknown-bank', detail: `${command.bankCode} is not a sandbox bank` };
    }
    const opening = Money.parse(command.openingBalance);
    if (Money.isError(opening)) {
      return { ok: false, code: 'invalid-amount', detail: opening.reason };
    }
    if (opening.currency !== bank.currency) {
      return { ok: false, code: 'invalid-amount', detail: `${bank.name} holds ${bank.currency} only` };
    }
    const account = await this.ledger.openAccount({
      bankCode: bank.code,
      mobile: command.mobile,
      holderName: command.holderName,
      openingBalanceMinor: opening.minorUnits,
      currency: opening.currency,
    });
    return {
      ok: true,
      account: {
        accountRef: account.accountRef,
        bankCode: account.bankCode,
        maskedAccountNumber: maskAccountNumber(account.accountNumber),
        balance: moneyDtoOf(account.balanceMinor, account.currency),
      },
    };
  }
}
