import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Currency, E164_PATTERN, MoneyDto, PAYMENT_STATUSES, PaymentStatus, ResultCode } from '@kirim/contracts';
import { Payment } from './payment';

/** The contract's MoneyDto (its validation) with the OpenAPI description added. */
export class AmountBody extends MoneyDto {
  @ApiProperty({ example: '500.00', description: 'Decimal string, at most 2 fraction digits. Never a JSON number.' })
  declare value: string;

  @ApiProperty({ example: 'INR', enum: ['INR'] })
  declare currency: Currency;
}

export class PayeeBody {
  @ApiProperty({ example: '+919876543210', description: 'E.164 phone number of the payee' })
  @IsString()
  @Matches(E164_PATTERN, { message: 'payee.phone must be an E.164 phone number, e.g. +919876543210' })
  phone!: string;
}

export class InitiatePaymentBody {
  @ApiProperty({ type: PayeeBody })
  // ValidateNested alone lets a missing object through.
  @IsDefined()
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
    payerUserId: payment.payerUserId,
    payeeUserId: payment.payeeUserId,
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}
