import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MAX_PARTY_RESOLUTIONS_PER_CALL,
  PartyResolution,
  PartyResolutionProblem,
  PayeeParty,
  PayerParty,
  PaymentPartiesAnswer,
  ResolvePaymentPartiesBatchAnswer,
  PROBLEM_CODES,
  ResolvePaymentPartiesBatchRequest,
  ResolvePaymentPartiesQuery,
} from '@kirim/contracts';
import { Transform, Type } from 'class-transformer';

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

class PaymentPartiesItem extends ResolvePaymentPartiesQuery {
  @ApiProperty({ format: 'uuid', description: 'The payer, as payments authenticated it.' })
  declare payerUserId: string;

  @ApiPropertyOptional({ example: '+919876543210', description: 'E.164 phone number of the payee. Exactly one of payeePhone and payeeAddress.' })
  declare payeePhone?: string;

  @ApiPropertyOptional({ example: 'asha.k@kirim', maxLength: 255, description: 'Payment address of the payee (handle@psp). Exactly one of payeePhone and payeeAddress.' })
  declare payeeAddress?: string;
}

export class PaymentPartiesBatchRequest extends ResolvePaymentPartiesBatchRequest {
  @ApiProperty({ type: [PaymentPartiesItem], minItems: 1, maxItems: MAX_PARTY_RESOLUTIONS_PER_CALL })
  @Type(() => PaymentPartiesItem)
  declare items: PaymentPartiesItem[];
}

class PartyResolutionProblemDoc extends PartyResolutionProblem {
  @ApiProperty({ minimum: 400, maximum: 499, description: 'The status the single operation would have answered.' })
  declare status: number;

  @ApiProperty({ enum: Object.values(PROBLEM_CODES) })
  declare code: PartyResolutionProblem['code'];

  @ApiProperty()
  declare detail: string;

  @ApiPropertyOptional({ description: 'The UPI result code payments records, where UPI has one.' })
  declare resultCode?: PartyResolutionProblem['resultCode'];

  @ApiPropertyOptional({ minimum: 1, description: "A 429's Retry-After, in seconds." })
  declare retryAfterSeconds?: number;
}

class PartyResolutionDoc extends PartyResolution {
  @ApiPropertyOptional({ type: PaymentPartiesResponse, description: 'Exactly one of parties and problem.' })
  declare parties?: PaymentPartiesResponse;

  @ApiPropertyOptional({ type: PartyResolutionProblemDoc, description: 'Exactly one of parties and problem.' })
  declare problem?: PartyResolutionProblemDoc;
}

export class PaymentPartiesBatchResponse extends ResolvePaymentPartiesBatchAnswer {
  @ApiProperty({ type: [PartyResolutionDoc], description: 'One per item asked, in the same order.' })
  declare results: PartyResolutionDoc[];
}
