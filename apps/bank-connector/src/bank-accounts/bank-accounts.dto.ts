import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';
import { E164_PATTERN } from '@kirim/contracts';

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

export class DiscoveredBankAccountDto {
  @ApiProperty({ format: 'uuid' }) accountRef!: string;
  @ApiProperty({ example: 'SBXA' }) bankCode!: string;
  @ApiProperty({ example: 'Sandbox Bank A' }) bankName!: string;
  @ApiProperty({ example: 'XXXXXXXX1234' }) maskedAccountNumber!: string;
}

