import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ENCRYPTED_PIN_PATTERN, MAX_ENCRYPTED_PIN_LENGTH } from '@kirim/contracts';

export class LinkedAccountParams {
  @ApiProperty({ format: 'uuid', description: 'The id of one of your linked bank accounts' })
  @IsUUID()
  linkedAccountId!: string;
}

export class SetUpiPinRequest {
  @ApiProperty({
    maxLength: MAX_ENCRYPTED_PIN_LENGTH,
    description:
      "Compact JWE (ECDH-ES, A256GCM) for the account's bank PIN key from GET /v1/banks, of " +
      '{"purpose":"set-pin","newPin":"<4 or 6 digits>","iat":<Unix seconds>} for the first PIN, or ' +
      '{"purpose":"change-pin","pin":"<current>","newPin":"<new>","iat":<Unix seconds>} to change it (docs/upi-pin.md).',
  })
  @IsString()
  @MaxLength(MAX_ENCRYPTED_PIN_LENGTH)
  @Matches(ENCRYPTED_PIN_PATTERN, { message: "encryptedPin must be a compact JWE (the PIN block encrypted for the account's bank)" })
  encryptedPin!: string;
}

export class SetUpiPinResponse {
  @ApiProperty({ enum: ['set', 'changed'], description: 'set: the first PIN of the account; changed: a new PIN replaced the current one' })
  change!: 'set' | 'changed';
}
