import { Currency, Money, MoneyDto, SUPPORTED_CURRENCIES } from '@kirim/contracts';

export function asCurrency(code: string): Currency {
  const found = SUPPORTED_CURRENCIES.find((currency) => currency === code);
  if (!found) {
    // The ledger only ever stores supported currencies; anything else is a bug, not a user error.
    throw new Error(`unsupported currency in the sandbox ledger: ${code}`);
  }
  return found;
}

export function moneyDtoOf(minorUnits: bigint, currency: string): MoneyDto {
  return Money.ofMinor(minorUnits, asCurrency(currency)).toDto();
}
