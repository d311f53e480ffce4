import { Inject, Injectable } from '@nestjs/common';
import { BANK_ADAPTERS, BankAdapter } from './bank-adapter.port';

/** Chooses the adapter that reaches a bank, by bank code. The map is closed and checked at boot. */
@Injectable()
export class BankAdapterRouter {
  private readonly byBankCode: ReadonlyMap<string, BankAdapter>;

  constructor(@Inject(BANK_ADAPTERS) adapters: readonly BankAdapter[]) {
    const byBankCode = new Map<string, BankAdapter>();
    for (const adapter of adapters) {
      for (const code of adapter.bankCodes) {
        const existing = byBankCode.get(code);
        if (existing) {
          throw new Error(`bank ${code} is claimed by two adapters: ${existing.name} and ${adapter.name}`);
        }
        byBankCode.set(code, adapter);
      }
    }
    this.byBankCode = byBankCode;
  }

  adapterFor(bankCode: string): BankAdapter | undefined {
    return this.byBankCode.get(bankCode);
  }

  knownBankCodes(): string[] {
    return [...this.byBankCode.keys()].sort();
  }
}
