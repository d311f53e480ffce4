import { IsIn, IsString, Matches } from 'class-validator';

/**
 * Money crosses every boundary as a decimal string with its currency and lives inside as integer
 * minor units (bigint). No float ever touches an amount.
 *
 * UPI caps an amount at 18 digits; we allow 16 integer digits and 2 fraction digits.
 */
export const SUPPORTED_CURRENCIES = ['INR'] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

/** Minor units per major unit, per ISO 4217 exponent. */
const MINOR_UNIT_EXPONENT: Record<Currency, number> = { INR: 2 };

export const DECIMAL_AMOUNT_PATTERN = /^(0|[1-9]\d{0,15})(\.\d{1,2})?$/;

export class MoneyDto {
  @IsString()
  @Matches(DECIMAL_AMOUNT_PATTERN, {
    message: 'value must be a decimal string with at most 16 integer and 2 fraction digits, e.g. "500.00"',
  })
  value!: string;

  @IsIn(SUPPORTED_CURRENCIES, { message: `currency must be one of: ${SUPPORTED_CURRENCIES.join(', ')}` })
  currency!: Currency;
}

export type MoneyParseError = { readonly kind: 'invalid-amount'; readonly reason: string };

/** Integer minor units plus currency: the only money representation inside the services. */
export class Money {
  private constructor(
    readonly minorUnits: bigint,
    readonly currency: Currency,
  ) {}

  static ofMinor(minorUnits: bigint, currency: Currency): Money {
    return new Money(minorUnits, currency);
  }

  /** Parses a wire amount; returns an error value rather than throwing, as callers map it to a 4xx. */
  static parse(input: { value: string; currency: string }): Money | MoneyParseError {
    if (!(SUPPORTED_CURRENCIES as readonly string[]).includes(input.currency)) {
      return { kind: 'invalid-amount', reason: `unsupported currency ${JSON.stringify(input.currency)}` };
    }
    const currency = input.currency as Currency;
    if (typeof input.value !== 'string' || !DECIMAL_AMOUNT_PATTERN.test(input.value)) {
      return { kind: 'invalid-amount', reason: 'value must be a decimal string such as "500.00"' };
    }
    const exponent = MINOR_UNIT_EXPONENT[currency];
    const [whole, fraction = ''] = input.value.split('.');
    const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
    return new Money(minor, currency);
  }

  static isError(value: Money | MoneyParseError): value is MoneyParseError {
    return !(value instanceof Money);
  }

  isPositive(): boolean {
    return this.minorUnits > 0n;
  }

  /** The wire form: always with the currency's full number of fraction digits. */
  toDto(): MoneyDto {
    const exponent = MINOR_UNIT_EXPONENT[this.currency];
    const negative = this.minorUnits < 0n;
    const digits = (negative ? -this.minorUnits : this.minorUnits).toString().padStart(exponent + 1, '0');
    const value = `${negative ? '-' : ''}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
    return Object.assign(new MoneyDto(), { value, currency: this.currency });
  }

  toString(): string {
    const dto = this.toDto();
    return `${dto.value} ${dto.currency}`;
  }
}
