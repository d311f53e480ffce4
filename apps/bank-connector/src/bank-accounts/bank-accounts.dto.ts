import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { DiscoverBankAccountsAnswer, DiscoverBankAccountsQuery, DiscoveredBankAccount } from '@kirim/contracts';

/**
 * In a query string an unencoded '+' arrives as a space ("?mobile=+9198..." -> " 9198..."), so a
 * leading space before the digits is read back as the '+' the caller meant.
 */
export function restorePlusOfMobile(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) && value.startsWith(' ') ? `+${trimmed}` : trimmed;
}

export class MobileQueryDto extends DiscoverBankAccountsQuery {
  @ApiProperty({ example: '+919800000001', description: 'E.164; send the + as %2B' })
  @Transform(({ value }: { value: unknown }) => restorePlusOfMobile(value))
  declare mobile: string;
}

export class DiscoveredBankAccountDto extends DiscoveredBankAccount {
  @ApiProperty({ format: 'uuid' }) declare accountRef: string;
  @ApiProperty({ example: 'SBXA' }) declare bankCode: string;
  @ApiProperty({ example: 'Sandbox Bank A' }) declare bankName: string;
  @ApiProperty({ example: 'XXXXXXXX1234' }) declare maskedAccountNumber: string;
  @ApiProperty({ example: 'Asha Kumari', maxLength: 100, description: "The account holder's name as the bank registered it (identity shows it masked to payers)." })
  declare holderName: string;
}

export class DiscoverBankAccountsAnswerDto extends DiscoverBankAccountsAnswer {
  @ApiProperty({ type: DiscoveredBankAccountDto, isArray: true }) declare accounts: DiscoveredBankAccountDto[];
}

