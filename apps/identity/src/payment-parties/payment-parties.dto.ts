import { ApiProperty } from '@nestjs/swagger';
import { E164_PATTERN } from '@kirim/contracts';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

export class PaymentPartiesQuery {
  @ApiProperty({ example: '+919876543210', description: 'E.164 phone number of the payee; URL-encode the "+" as %2B' })
  // An unencoded "+" in a query string decodes to a space; repair that one common client mistake.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^ \d+$/.test(value) ? `+${value.slice(1)}` : value))
  @IsString()
  @Matches(E164_PATTERN, { message: 'payeePhone must be an E.164 phone number, e.g. +919876543210' })
  payeePhone!: string;
}

class PayerParty {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'SBXA' })
  bankCode!: string;

  @ApiProperty({ format: 'uuid' })
  accountRef!: string;
}

class PayeeParty extends PayerParty {
  @ApiProperty()
  displayName!: string;
}

export class PaymentPartiesResponse {
  @ApiProperty({ type: PayerParty })
  payer!: PayerParty;

  @ApiProperty({ type: PayeeParty })
  payee!: PayeeParty;
}
