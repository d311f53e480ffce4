import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { BANK_CODE_PATTERN, E164_PATTERN, MoneyDto } from '@kirim/contracts';

/**
 * In a query string an unencoded '+' arrives as a space ("?mobile=+9198..." -> " 9198..."), so a
 * leading space before the digits is read back as the '+' the caller meant.
 */
export function restorePlusOfMobile(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) && value.startsWith(' ') ? `+${trimmed}` : trimmed;
}

export class MobileQueryDto {
  @ApiProperty({ example: '+919800000001', description: 'E.164; send the + as %2B' })
  @Transform(({ value }: { value: unknown }) => restorePlusOfMobile(value))
  @IsString()
  @Matches(E164_PATTERN, { message: 'mobile must be an E.164 phone number such as +919800000001' })
  mobile!: string;
}

export class OpenSandboxAccountDto {
  @ApiProperty({ example: 'SBXA' })
  @Matches(BANK_CODE_PATTERN, { message: 'bankCode must be four capital letters' })
  bankCode!: string;

  @ApiProperty({ example: '+919800000001' })
  @Matches(E164_PATTERN, { message: 'mobile must be an E.164 phone number such as +919800000001' })
  mobile!: string;

  @ApiProperty({ example: 'Asha' })
  @IsString()
  @Length(1, 100)
  holderName!: string;

  @ApiProperty({ type: MoneyDto })
  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  openingBalance!: MoneyDto;
}

export class DiscoveredBankAccountDto {
  @ApiProperty({ format: 'uuid' }) accountRef!: string;
  @ApiProperty({ example: 'SBXA' }) bankCode!: string;
  @ApiProperty({ example: 'Sandbox Bank A' }) bankName!: string;
  @ApiProperty({ example: 'XXXXXXXX1234' }) maskedAccountNumber!: string;
}

/** The sandbox administration view of an account; the holder's name stays out of discovery answers. */
export class SandboxAccountDto extends DiscoveredBankAccountDto {
  @ApiProperty({ example: 'Asha' }) holderName!: string;
  @ApiProperty({ type: MoneyDto }) balance!: MoneyDto;
}

export class OpenedSandboxAccountDto {
  @ApiProperty({ format: 'uuid' }) accountRef!: string;
  @ApiProperty({ example: 'SBXA' }) bankCode!: string;
  @ApiProperty({ example: 'XXXXXXXX1234' }) maskedAccountNumber!: string;
  @ApiProperty({ type: MoneyDto }) balance!: MoneyDto;
}

export class SandboxLedgerSummaryDto {
  @ApiProperty({ description: 'number of accounts, customers and settlement' })
  accounts!: number;

  @ApiProperty({ example: { INR: '0' }, description: 'sum of ALL balances (customers + settlement) in minor units: always "0"' })
  totalMinorUnitsByCurrency!: Record<string, string>;

  @ApiProperty({ example: { INR: { value: '11000.00', currency: 'INR' } }, description: 'money held by customers' })
  customerTotal!: Record<string, MoneyDto>;

  @ApiProperty({ example: { INR: '1100000' } })
  customerTotalMinorUnitsByCurrency!: Record<string, string>;

  @ApiProperty({ description: 'customer accounts whose balance differs from the sum of their ledger entries: always 0' })
  unreconciledAccounts!: number;
}
