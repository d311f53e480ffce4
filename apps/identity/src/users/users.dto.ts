import { ApiProperty } from '@nestjs/swagger';
import { E164_PATTERN } from '@kirim/contracts';
import { IsString, Length, Matches } from 'class-validator';
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

export class MeResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: '+919876543210' })
  phone!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ type: [LinkedBankAccountResponse] })
  bankAccounts!: LinkedBankAccountResponse[];
}
