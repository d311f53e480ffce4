import { Injectable } from '@nestjs/common';
import { MoneyDto, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import { SandboxLedgerSummaryDto } from '../sandbox-bank.dto';
import { SandboxLedgerRepository } from '../sandbox-ledger.repository';
import { moneyDtoOf } from '../sandbox-money';

/**
 * The conservation check e2e tests and the benchmark rely on: the balances of all accounts,
 * customers and settlement, sum to zero per currency, whatever payments, declines and reversals ran.
 */
@Injectable()
export class SummarizeSandboxLedger {
  constructor(private readonly ledger: SandboxLedgerRepository) {}

  async execute(): Promise<SandboxLedgerSummaryDto> {
    const summary = await this.ledger.summarize();
    // Every supported currency is listed, so a reader can check `INR === "0"` on an empty ledger too.
    const currencies = [...new Set([...SUPPORTED_CURRENCIES, ...summary.totalMinorByCurrency.keys()])].sort();
    const totalMinorUnitsByCurrency: Record<string, string> = {};
    const customerTotalMinorUnitsByCurrency: Record<string, string> = {};
    const customerTotal: Record<string, MoneyDto> = {};
    for (const currency of currencies) {
      const customers = summary.customerTotalMinorByCurrency.get(currency) ?? 0n;
      totalMinorUnitsByCurrency[currency] = (summary.totalMinorByCurrency.get(currency) ?? 0n).toString();
      customerTotalMinorUnitsByCurrency[currency] = customers.toString();
      customerTotal[currency] = moneyDtoOf(customers, currency);
    }
    return {
      accounts: summary.accounts,
      totalMinorUnitsByCurrency,
      customerTotal,
      customerTotalMinorUnitsByCurrency,
      unreconciledAccounts: summary.unreconciledAccounts,
    };
  }
}
