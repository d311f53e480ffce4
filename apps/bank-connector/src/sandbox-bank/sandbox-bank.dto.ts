import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { BANK_CODE_PATTERN, E164_PATTERN, MoneyDto } from '@kirim/contracts';
import { DiscoveredBankAccountDto } from '../bank-accounts/bank-accounts.dto';
import { SANDBOX_ACCOUNT_FREEZES, SandboxAccountFreeze } from './sandbox-account.entity';

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

const FREEZE_DESCRIPTION = 'none; credit: no money in (credits and reversals declined, YF); debit: no money out (debits declined, YE); total: neither';

/** The sandbox administration view of an account: what discovery answers (the holder's name included), the balance and any freeze. */
export class SandboxAccountDto extends DiscoveredBankAccountDto {
  @ApiProperty({ type: MoneyDto }) balance!: MoneyDto;
  @ApiProperty({ enum: SANDBOX_ACCOUNT_FREEZES, description: FREEZE_DESCRIPTION }) freeze!: SandboxAccountFreeze;
}

export class SetSandboxAccountFreezeDto {
  @ApiProperty({ enum: SANDBOX_ACCOUNT_FREEZES, example: 'credit', description: `The freeze from now on (none lifts it): ${FREEZE_DESCRIPTION}` })
  @IsIn(SANDBOX_ACCOUNT_FREEZES, { message: `freeze must be one of ${SANDBOX_ACCOUNT_FREEZES.join(', ')}` })
  freeze!: SandboxAccountFreeze;
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
