import { ApiProperty } from '@nestjs/swagger';
import { E164_PATTERN, IsIanaTimeZone, IsLocaleTag, LOCALE_TAG_MAX_LENGTH, TIME_ZONE_MAX_LENGTH } from '@kirim/contracts';
import { IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { LinkedBankAccountResponse } from '../bank-accounts/bank-accounts.dto';

export class RegisterUserRequest {
  @ApiProperty({ example: '+919876543210', description: 'E.164 phone number' })
  @IsString()
  @Matches(E164_PATTERN, { message: 'phone must be an E.164 phone number, e.g. +919876543210' })
  phone!: string;

  @ApiProperty({ example: 'Asha', minLength: 1, maxLength: 80 })
  @IsString()
  @Length(1, 80)
  displayName!: string;
}

export class StartSessionRequest {
  @ApiProperty({ example: '+919876543210', description: 'E.164 phone number' })
  @IsString()
  @Matches(E164_PATTERN, { message: 'phone must be an E.164 phone number, e.g. +919876543210' })
  phone!: string;
}

export class TokenResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ description: 'ES256 JWT; verify with /.well-known/jwks.json' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn!: number;
}

/**
 * What a user may change about themselves: the language and time zone their receipts are written
 * in. A field left out is kept; null is refused (there is no "unset": every language falls back to
 * en-IN and every zone to Asia/Kolkata when the receipt is written).
 */
export class UpdateMeRequest {
  @ApiProperty({
    required: false,
    example: 'hi-IN',
    maxLength: LOCALE_TAG_MAX_LENGTH,
    description: 'BCP 47 language tag; stored in its canonical form (hi-in → hi-IN). Receipts are written in en-IN, hi-IN, id-ID or pt-BR, matched by language.',
  })
  // Only an absent field is optional: null is checked, and refused.
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MaxLength(LOCALE_TAG_MAX_LENGTH)
  @IsLocaleTag()
  locale?: string;

  @ApiProperty({ required: false, example: 'Asia/Kolkata', maxLength: TIME_ZONE_MAX_LENGTH, description: 'IANA time zone the times on receipts are shown in; stored as given.' })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MaxLength(TIME_ZONE_MAX_LENGTH)
  @IsIanaTimeZone()
  timeZone?: string;
}

export class MeResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: '+919876543210' })
  phone!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ type: String, nullable: true, example: 'hi-IN', description: 'The language receipts are written in (canonical BCP 47); null until set (en-IN).' })
  locale!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Asia/Kolkata', description: 'The time zone receipts show times in (IANA); null until set (Asia/Kolkata).' })
  timeZone!: string | null;

  @ApiProperty({ type: [LinkedBankAccountResponse] })
  bankAccounts!: LinkedBankAccountResponse[];
}
