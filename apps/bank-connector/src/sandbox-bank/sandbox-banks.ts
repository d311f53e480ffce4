import { Currency, maskAccountNumber } from '@kirim/contracts';
import type { SandboxAccountDto } from './sandbox-bank.dto';
import type { SandboxAccountAdminView, SandboxAccountView } from './sandbox-ledger.repository';
import { moneyDtoOf } from './sandbox-money';

/** A bank simulated by the sandbox ledger. Partner banks are reached through their own adapters instead. */
export interface SandboxBank {
  readonly code: string;
  readonly name: string;
  readonly currency: Currency;
}

/**
 * The sandbox banks. Two, so that a P2P payment can cross banks as most UPI payments do (the payer's
 * bank debits, the payee's bank credits). The migration creates one settlement account for each.
 */
export const SANDBOX_BANKS: readonly SandboxBank[] = [
  { code: 'SBXA', name: 'Sandbox Bank A', currency: 'INR' },
  { code: 'SBXB', name: 'Sandbox Bank B', currency: 'INR' },
];

export function findSandboxBank(code: string): SandboxBank | undefined {
  return SANDBOX_BANKS.find((bank) => bank.code === code);
}

export function isSandboxBank(code: string): boolean {
  return findSandboxBank(code) !== undefined;
}

/** An account as it may leave the service: the bank's reference, its name, the number masked and the holder's registered name. */
export function describeSandboxAccount(account: SandboxAccountView): { accountRef: string; bankCode: string; bankName: string; maskedAccountNumber: string; holderName: string } {
  return {
    accountRef: account.accountRef,
    bankCode: account.bankCode,
    bankName: findSandboxBank(account.bankCode)?.name ?? account.bankCode,
    maskedAccountNumber: maskAccountNumber(account.accountNumber),
    holderName: account.holderName,
  };
}

/** An account as the sandbox administration API shows it: as described above, with its balance and freeze. */
export function sandboxAccountDtoOf(account: SandboxAccountAdminView): SandboxAccountDto {
  return { ...describeSandboxAccount(account), balance: moneyDtoOf(account.balanceMinor, account.currency), freeze: account.freeze };
}
