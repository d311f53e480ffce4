import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Matches, MaxLength, ValidateBy, ValidateNested } from 'class-validator';
import { Currency, E164_PATTERN, ENCRYPTED_PIN_PATTERN, MAX_ENCRYPTED_PIN_LENGTH, MoneyDto, PAYMENT_ADDRESS_PATTERN, PAYMENT_STATUSES, PaymentStatus, ResultCode } from '@kirim/contracts';
import { Payment } from './payment';
import { owesReversal } from './payment-state-machine';

/** The contract's MoneyDto (its validation) with the OpenAPI description added. */
export class AmountBody extends MoneyDto {
  @ApiProperty({ example: '500.00', description: 'Decimal string, at most 2 fraction digits. Never a JSON number.' })
  declare value: string;

  @ApiProperty({ example: 'INR', enum: ['INR'] })
  declare currency: Currency;
}

/** The payee by exactly one of their phone number and their payment address (checked on InitiatePaymentBody.payee). */
export class PayeeBody {
  @ApiPropertyOptional({ example: '+919876543210', description: 'E.164 phone number of the payee. Exactly one of phone and address.' })
  @IsOptional()
  @IsString()
  @Matches(E164_PATTERN, { message: 'payee.phone must be an E.164 phone number, e.g. +919876543210' })
  phone?: string;

  @ApiPropertyOptional({ example: 'asha.k@kirim', maxLength: 255, description: 'Payment address of the payee (handle@psp). Exactly one of phone and address.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(PAYMENT_ADDRESS_PATTERN, { message: 'payee.address must be a payment address handle@psp of letters, digits, ".", "-" and "_"' })
  address?: string;
}

/** Both or neither would leave it to the server to guess whom to pay. */
function HasExactlyOnePayeeIdentifier(): PropertyDecorator {
  return ValidateBy({
    name: 'hasExactlyOnePayeeIdentifier',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'object' || value === null) return true; // IsDefined and ValidateNested answer for that
        const { phone, address } = value as { phone?: unknown; address?: unknown };
        return (phone === undefined) !== (address === undefined);
      },
      defaultMessage: () => 'payee must have exactly one of phone and address',
    },
  });
}

export class InitiatePaymentBody {
  @ApiProperty({ type: PayeeBody, description: 'Exactly one of phone and address.' })
  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @HasExactlyOnePayeeIdentifier()
  @ValidateNested()
  @Type(() => PayeeBody)
  payee!: PayeeBody;

  @ApiProperty({ type: AmountBody })
  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @ValidateNested()
  @Type(() => AmountBody)
  amount!: AmountBody;

  /** UPI's remarks field is short; 50 characters is what the payer's bank shows on a statement. */
  @ApiPropertyOptional({ maxLength: 50, example: 'lunch' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  note?: string;

  /**
   * The payer's UPI PIN, encrypted on the device for the payer's bank (docs/upi-pin.md). kirim
   * passes it to the bank unopened and keeps it nowhere; the bank checks it against this amount.
   */
  @ApiProperty({
    maxLength: MAX_ENCRYPTED_PIN_LENGTH,
    description:
      'Compact JWE (ECDH-ES, A256GCM, kid of the bank key from GET /v1/banks) of ' +
      '{"purpose":"pay","pin":"<4 or 6 digits>","amount":{"value":"500.00","currency":"INR"},"iat":<Unix seconds>}, ' +
      'for the payer\'s bank. Never logged or stored by kirim; the bank declines a wrong PIN (ZM), tries exceeded (Z6), ' +
      'no PIN set (U11), another amount (U12) or an unusable block (U14).',
    example: 'eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTI1NkdDTSIsImtpZCI6IlNCWEEtcGluLTEifQ..aGVsbG8.Y2lwaGVy.dGFn',
  })
  @IsString()
  @MaxLength(MAX_ENCRYPTED_PIN_LENGTH)
  @Matches(ENCRYPTED_PIN_PATTERN, { message: 'encryptedPin must be a compact JWE (the UPI PIN encrypted for the payer\'s bank)' })
  encryptedPin!: string;
}

export class PayeeView {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ nullable: true, type: String })
  displayName!: string | null;
}

export class PaymentInitiatedResponse {
  @ApiProperty({ format: 'uuid' })
  paymentId!: string;

  @ApiProperty({ example: 'KRM0B6F7C1E8A444C1E9D2A0F6A1B2C3D4E' })
  txnId!: string;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  @ApiProperty({ type: AmountBody })
  amount!: MoneyDto;

  @ApiProperty({ type: PayeeView })
  payee!: PayeeView;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** A reversal the payer is owed (RBI: by the end of day T+1), shown until the money is back. */
export class ReversalView {
  @ApiProperty({ format: 'date-time', description: "When the payer must have their money back: the end of day T+1 in the scheme's time zone (RBI), T the failure's day" })
  dueBy!: string;

  @ApiProperty({ description: 'Reversal attempts made so far', minimum: 0 })
  attempts!: number;

  @ApiPropertyOptional({ description: 'UPI result code of the last failed attempt (a decline, or RB: no answer)' })
  lastResultCode?: ResultCode;
}

export class PaymentResponse {
  @ApiProperty({ format: 'uuid' })
  paymentId!: string;

  @ApiProperty()
  txnId!: string;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  @ApiProperty({ type: AmountBody })
  amount!: MoneyDto;

  @ApiPropertyOptional({ description: 'UPI result code once the payment is final or failed' })
  resultCode?: ResultCode;

  @ApiPropertyOptional({ description: '12-digit retrieval reference number, once debited' })
  rrn?: string;

  @ApiPropertyOptional({ type: ReversalView, description: "Present while the payer's debit is being reversed (credit_failed, reversal_pending, reversal_failed)" })
  reversal?: ReversalView;

  @ApiProperty({ format: 'uuid' })
  payerUserId!: string;

  @ApiProperty({ format: 'uuid' })
  payeeUserId!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export function toInitiatedResponse(payment: Payment): PaymentInitiatedResponse {
  return {
    paymentId: payment.id,
    txnId: payment.txnId,
    status: payment.status,
    amount: payment.amount.toDto(),
    payee: { userId: payment.payeeUserId, displayName: payment.payeeDisplayName },
    createdAt: payment.createdAt.toISOString(),
  };
}

export function toPaymentResponse(payment: Payment): PaymentResponse {
  return {
    paymentId: payment.id,
    txnId: payment.txnId,
    status: payment.status,
    amount: payment.amount.toDto(),
    ...(payment.resultCode !== null ? { resultCode: payment.resultCode } : {}),
    ...(payment.rrn !== null ? { rrn: payment.rrn } : {}),
    ...reversalOf(payment),
    payerUserId: payment.payerUserId,
    payeeUserId: payment.payeeUserId,
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}

function reversalOf(payment: Payment): { reversal?: ReversalView } {
  if (!owesReversal(payment.status) || payment.reversalDueBy === null) return {};
  return {
    reversal: {
      dueBy: payment.reversalDueBy.toISOString(),
      attempts: payment.reversalAttempts,
      ...(payment.reversalResultCode !== null ? { lastResultCode: payment.reversalResultCode } : {}),
    },
  };
}
