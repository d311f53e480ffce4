import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PayeeParty, PayerParty, PaymentPartiesAnswer, ResolvePaymentPartiesQuery } from '@kirim/contracts';
import { Transform } from 'class-transformer';

/*
 * The internal contract (libs/contracts internal-contracts.ts) with its OpenAPI description: the
 * validation is the contract's, so identity and payments cannot disagree about it.
 */

export class PaymentPartiesQuery extends ResolvePaymentPartiesQuery {
  @ApiProperty({ format: 'uuid', description: 'The payer, as payments authenticated it.' })
  declare payerUserId: string;

  @ApiPropertyOptional({ example: '+919876543210', description: 'E.164 phone number of the payee; URL-encode the "+" as %2B. Exactly one of payeePhone and payeeAddress.' })
  // An unencoded "+" in a query string decodes to a space; repair that one common client mistake.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^ \d+$/.test(value) ? `+${value.slice(1)}` : value))
  declare payeePhone?: string;

  @ApiPropertyOptional({ example: 'asha.k@kirim', maxLength: 255, description: 'Payment address of the payee (handle@psp). Exactly one of payeePhone and payeeAddress.' })
  declare payeeAddress?: string;
}

class PayerPartyDoc extends PayerParty {
  @ApiProperty({ format: 'uuid' })
  declare userId: string;

  @ApiProperty({ example: 'SBXA' })
  declare bankCode: string;

  @ApiProperty({ format: 'uuid' })
  declare accountRef: string;
}

class PayeePartyDoc extends PayeeParty {
  @ApiProperty({ format: 'uuid' })
  declare userId: string;

  @ApiProperty({ example: 'SBXA' })
  declare bankCode: string;

  @ApiProperty({ format: 'uuid' })
  declare accountRef: string;

  @ApiProperty()
  declare displayName: string;
}

export class PaymentPartiesResponse extends PaymentPartiesAnswer {
  @ApiProperty({ type: PayerPartyDoc })
  declare payer: PayerPartyDoc;

  @ApiProperty({ type: PayeePartyDoc })
  declare payee: PayeePartyDoc;
}
