import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { E164_PATTERN, KIRIM_PSP_HANDLE, PAYMENT_ADDRESS_PATTERN } from '@kirim/contracts';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ResolvePayeeQuery {
  @ApiPropertyOptional({ example: '+919876543210', description: 'E.164 phone number of the payee; URL-encode the "+" as %2B. Exactly one of phone and address.' })
  @IsOptional()
  // An unencoded "+" in a query string decodes to a space; repair that one common client mistake.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^ \d+$/.test(value) ? `+${value.slice(1)}` : value))
  @IsString()
  @Matches(E164_PATTERN, { message: 'phone must be an E.164 phone number, e.g. +919876543210' })
  phone?: string;

  @ApiPropertyOptional({ example: `asha.k@${KIRIM_PSP_HANDLE}`, maxLength: 255, description: 'Payment address handle@psp. Exactly one of phone and address.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(PAYMENT_ADDRESS_PATTERN, { message: 'address must be a payment address handle@psp of letters, digits, ".", "-" and "_"' })
  address?: string;
}

export class ResolvedPayeeResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    example: `asha.k@${KIRIM_PSP_HANDLE}`,
    description: "The address asked for, or, found by phone, the payee's primary address (null only if the payee has none).",
  })
  address!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Asha K***** R**',
    description:
      "The account holder's name as the payee's bank registered it for their primary account, masked: the first word in full, then each word's initial and one asterisk per further letter. Null for an account linked before kirim recorded banks' names.",
  })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Sandbox Bank A', description: "The bank of the payee's primary account." })
  bankName!: string | null;
}
