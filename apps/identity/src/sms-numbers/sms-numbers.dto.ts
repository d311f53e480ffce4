import { ApiProperty } from '@nestjs/swagger';
import { SmsNumberAnswer } from '@kirim/contracts';

/*
 * The internal contract (libs/contracts internal-contracts.ts, get-sms-number) with its OpenAPI
 * description: the validation is the contract's, so identity and notifications cannot disagree.
 */

export class SmsNumberResponse extends SmsNumberAnswer {
  @ApiProperty({ example: '+919876543210', description: 'The E.164 number the user registered with.' })
  declare phone: string;
}
