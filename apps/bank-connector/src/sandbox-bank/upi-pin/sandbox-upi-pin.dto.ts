import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { MAX_ENCRYPTED_PIN_LENGTH, SetUpiPinAnswer, SetUpiPinRequest } from '@kirim/contracts';

export class SandboxAccountRefParams {
  @ApiProperty({ format: 'uuid', description: "The bank's reference of the account (accountRef)" })
  @IsUUID()
  accountRef!: string;
}

/** The internal contract (libs/contracts SetUpiPinRequest) with its OpenAPI description. */
export class SetUpiPinBody extends SetUpiPinRequest {
  @ApiProperty({
    maxLength: MAX_ENCRYPTED_PIN_LENGTH,
    description:
      'Compact JWE for the bank\'s PIN key (GET /v1/banks) of {"purpose":"set-pin","newPin":"…","iat":…} for the first PIN, ' +
      'or {"purpose":"change-pin","pin":"<current>","newPin":"…","iat":…} after (docs/upi-pin.md).',
  })
  declare encryptedPin: string;
}

export class SetUpiPinResponse extends SetUpiPinAnswer {
  @ApiProperty({ enum: ['set', 'changed'] })
  declare change: 'set' | 'changed';
}
