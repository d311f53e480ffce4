import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  ENCRYPTED_PIN_PATTERN,
  HOLDER_NAME_MAX_LENGTH,
  HOLDER_NAME_PATTERN,
  MAX_ENCRYPTED_PIN_LENGTH,
  MERCHANT_REFERENCE_PATTERN,
  Money,
  MoneyDto,
  PAYMENT_ADDRESS_PATTERN,
  PAYMENT_STATUSES,
  PaymentStatus,
  ResultCode,
} from '@kirim/contracts';
import { AmountBody } from '../payment/payments.dto';
import { MERCHANT_ORDER_STATUSES, Merchant, merchantAddress, MerchantApiKeyRecord, MerchantOrderStatus } from './merchant';
import { MERCHANT_API_KEY_PREFIX } from './merchant-api-key';
import { MerchantPaymentEntry } from './merchant-order.repository';
import { MerchantOrderView } from './get-merchant-order/get-merchant-order.use-case';
import { MerchantRefundView } from './get-merchant-refund/get-merchant-refund.use-case';

// A merchant's own reference (an order's, a refund's, a collect request's; what an Idempotency-Key may
// be, so it needs no escaping anywhere) is the contracts' pattern, as events carry it. Re-exported for
// the controllers that check it.
export { MERCHANT_REFERENCE_PATTERN };
const REFERENCE_MESSAGE = '$property must be 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-"';
/** An instant with its offset, as a history filter takes it. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

// --- merchants ------------------------------------------------------------------------------

export class OnboardMerchantBody {
  /** What customers see: a business name, with the characters a bank-registered name may have. */
  @ApiProperty({ example: 'Chai Point', maxLength: HOLDER_NAME_MAX_LENGTH })
  @IsString()
  @MaxLength(HOLDER_NAME_MAX_LENGTH)
  @Matches(HOLDER_NAME_PATTERN, { message: "displayName must start with a letter or digit and hold only letters, digits, spaces and . , ' & ( ) / -" })
  displayName!: string;

  @ApiProperty({ example: '5812', description: "ISO 18245 merchant category code (MCC), one the scheme profile's merchant categories list" })
  @IsString()
  @Matches(/^\d{4}$/, { message: 'categoryCode must be a 4-digit merchant category code' })
  categoryCode!: string;

  @ApiProperty({ example: 'chai.point', maxLength: 60, description: "The merchant's address handle (`handle@kirim`), under the rules of every kirim address (docs/payment-addresses.md)" })
  @IsString()
  @MaxLength(60)
  handle!: string;

  @ApiProperty({
    example: 'asha.k@kirim',
    maxLength: 255,
    description: "One of the owner's own kirim addresses: the merchant's payments are paid into the bank account identity resolves for it (docs/merchants.md)",
  })
  @IsString()
  @MaxLength(255)
  @Matches(PAYMENT_ADDRESS_PATTERN, { message: 'settlementAddress must be a payment address handle@psp' })
  settlementAddress!: string;
}

export class MerchantResponse {
  @ApiProperty({ format: 'uuid' })
  merchantId!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ example: '5812' })
  categoryCode!: string;

  @ApiProperty({ example: 'chai.point@kirim' })
  address!: string;

  @ApiProperty({ example: 'asha.k@kirim' })
  settlementAddress!: string;

  @ApiProperty({ description: "Verified by the acquirer's due diligence: only then do a category's enhanced per-payment caps apply" })
  verified!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toMerchantResponse(merchant: Merchant): MerchantResponse {
  return {
    merchantId: merchant.id,
    displayName: merchant.displayName,
    categoryCode: merchant.categoryCode,
    address: merchantAddress(merchant),
    settlementAddress: merchant.settlementAddress,
    verified: merchant.verified,
    createdAt: merchant.createdAt.toISOString(),
  };
}

export class MerchantApiKeyResponse {
  @ApiProperty({ format: 'uuid' })
  keyId!: string;

  @ApiProperty({ example: 'kmk_Xq3v9TnB0aLz', description: 'The start of the key, to tell keys apart; never enough to use it' })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  revokedAt?: string;
}

export class MerchantApiKeyCreatedResponse extends MerchantApiKeyResponse {
  @ApiProperty({
    example: 'kmk_Xq3v9TnB0aLzc1u2Hk8dP4sWm7yQe6rFgJ5tA0bNvC',
    description: 'The key, shown this once: payments keeps only its SHA-256. Send it as `Authorization: Bearer <apiKey>`.',
  })
  apiKey!: string;
}

export function toApiKeyResponse(key: MerchantApiKeyRecord): MerchantApiKeyResponse {
  return {
    keyId: key.id,
    prefix: `${MERCHANT_API_KEY_PREFIX}${key.lookupPrefix}`,
    createdAt: key.createdAt.toISOString(),
    ...(key.revokedAt !== null ? { revokedAt: key.revokedAt.toISOString() } : {}),
  };
}

// --- orders ---------------------------------------------------------------------------------

export class CreateMerchantOrderBody {
  @ApiProperty({ example: 'INV-2026-0042', description: "The merchant's own id for the order, unique per merchant: the same reference and body answer the same order" })
  @IsString()
  @Matches(MERCHANT_REFERENCE_PATTERN, { message: REFERENCE_MESSAGE })
  reference!: string;

  @ApiProperty({ type: AmountBody })
  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @ValidateNested()
  @Type(() => AmountBody)
  amount!: AmountBody;

  /** UPI's remarks field is short; 50 characters is what the customer's bank shows on a statement. */
  @ApiPropertyOptional({ maxLength: 50, example: '2 masala chai' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  note?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_080, example: 30, description: "How long the customer may pay it; the scheme profile's default (30 min on UPI) when absent, at most its maximum (24 h on UPI)" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_080)
  expiresInMinutes?: number;
}

export class OrderPaymentView {
  @ApiProperty({ format: 'uuid' })
  paymentId!: string;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  @ApiPropertyOptional({ description: 'UPI result code once the payment is final or failed' })
  resultCode?: ResultCode;
}

export class MerchantOrderResponse {
  @ApiProperty({ format: 'uuid' })
  orderId!: string;

  @ApiProperty({ format: 'uuid' })
  merchantId!: string;

  @ApiProperty()
  reference!: string;

  @ApiProperty({
    enum: MERCHANT_ORDER_STATUSES,
    description: 'open (can be paid), paying (a payment is in progress), paid, partially_refunded, refunded (completed refunds add up to the payment), expired',
  })
  status!: MerchantOrderStatus;

  @ApiProperty({ type: AmountBody })
  amount!: MoneyDto;

  @ApiPropertyOptional()
  note?: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ type: AmountBody, description: 'What the customer paid (0 until the payment completes)' })
  paidAmount!: MoneyDto;

  @ApiProperty({ type: AmountBody, description: 'Refunds completed' })
  refundedAmount!: MoneyDto;

  @ApiProperty({ type: AmountBody, description: 'What can still be refunded: paid minus refunds completed or on their way' })
  refundableAmount!: MoneyDto;

  @ApiPropertyOptional({ type: OrderPaymentView, description: 'The latest payment attempt' })
  payment?: OrderPaymentView;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toOrderResponse(view: MerchantOrderView): MerchantOrderResponse {
  const { order, payment, state } = view;
  const money = (minor: bigint): MoneyDto => Money.ofMinor(minor, order.amount.currency).toDto();
  return {
    orderId: order.id,
    merchantId: order.merchantId,
    reference: order.reference,
    status: state.status,
    amount: order.amount.toDto(),
    ...(order.note !== null ? { note: order.note } : {}),
    expiresAt: order.expiresAt.toISOString(),
    paidAmount: money(state.paidMinor),
    refundedAmount: money(state.refundedMinor),
    refundableAmount: money(state.refundableMinor),
    ...(payment !== null ? { payment: { paymentId: payment.id, status: payment.status, ...(payment.resultCode !== null ? { resultCode: payment.resultCode } : {}) } } : {}),
    createdAt: order.createdAt.toISOString(),
  };
}

export class PayMerchantOrderBody {
  @ApiProperty({
    maxLength: MAX_ENCRYPTED_PIN_LENGTH,
    description:
      'The customer\'s UPI PIN: compact JWE (ECDH-ES, A256GCM, kid of the bank key from GET /v1/banks) of {"purpose":"pay","pin":"…","amount":<the order\'s amount>,"iat":…} ' +
      "for the customer's bank (docs/upi-pin.md). Never logged or stored by kirim.",
  })
  @IsString()
  @MaxLength(MAX_ENCRYPTED_PIN_LENGTH)
  @Matches(ENCRYPTED_PIN_PATTERN, { message: "encryptedPin must be a compact JWE (the UPI PIN encrypted for the customer's bank)" })
  encryptedPin!: string;
}

// --- refunds --------------------------------------------------------------------------------

export class RefundMerchantOrderBody {
  @ApiProperty({ type: AmountBody, description: 'All of what is refundable, or part of it' })
  @IsDefined()
  @ValidateNested()
  @Type(() => AmountBody)
  amount!: AmountBody;

  @ApiPropertyOptional({ maxLength: 50, example: 'one chai short' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  note?: string;
}

export class MerchantRefundResponse {
  @ApiProperty({ format: 'uuid', description: "The refund's id: its own payment's id" })
  refundId!: string;

  @ApiProperty({ format: 'uuid' })
  orderId!: string;

  @ApiProperty({ description: "The merchant's reference for it (the Idempotency-Key it was made with)" })
  reference!: string;

  @ApiProperty({ example: 'KRM0B6F7C1E8A444C1E9D2A0F6A1B2C3D4E' })
  txnId!: string;

  @ApiProperty({ type: AmountBody })
  amount!: MoneyDto;

  @ApiProperty({ enum: PAYMENT_STATUSES, description: "Where the refund's payment is: completed once the customer is credited; reversed when the credit failed and the money came back to the merchant" })
  status!: PaymentStatus;

  @ApiPropertyOptional({ description: 'UPI result code once the refund is final or failed' })
  resultCode?: ResultCode;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export function toRefundResponse(view: MerchantRefundView): MerchantRefundResponse {
  const { refund, payment } = view;
  return {
    refundId: refund.paymentId,
    orderId: refund.orderId,
    reference: refund.reference,
    txnId: payment.txnId,
    amount: payment.amount.toDto(),
    status: payment.status,
    ...(payment.resultCode !== null ? { resultCode: payment.resultCode } : {}),
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}

// --- history --------------------------------------------------------------------------------

export const MAX_HISTORY_PAGE = 100;

export class MerchantPaymentsQuery {
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_HISTORY_PAGE, default: 20 })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|100)$/, { message: `limit must be between 1 and ${MAX_HISTORY_PAGE}` })
  limit?: string;

  @ApiPropertyOptional({ description: `Payment statuses, comma-separated (${PAYMENT_STATUSES.join(', ')})`, example: 'completed,reversed' })
  @IsOptional()
  @Matches(new RegExp(`^(?:${PAYMENT_STATUSES.join('|')})(?:,(?:${PAYMENT_STATUSES.join('|')}))*$`), { message: `status must be payment statuses separated by commas: ${PAYMENT_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ enum: ['order', 'refund'] })
  @IsOptional()
  @Matches(/^(?:order|refund)$/, { message: 'kind must be order or refund' })
  kind?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Made at or after this' })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'from must be an ISO 8601 instant such as 2026-11-28T10:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Made before this' })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'to must be an ISO 8601 instant such as 2026-11-28T10:00:00Z' })
  to?: string;
}

export class MerchantPaymentEntryResponse {
  @ApiProperty({ format: 'uuid' })
  paymentId!: string;

  @ApiProperty({ enum: ['order', 'refund'] })
  kind!: 'order' | 'refund';

  @ApiProperty({ format: 'uuid' })
  orderId!: string;

  @ApiProperty()
  orderReference!: string;

  @ApiPropertyOptional({ description: "A refund's reference" })
  refundReference?: string;

  @ApiProperty({ type: AmountBody })
  amount!: MoneyDto;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  @ApiPropertyOptional()
  resultCode?: ResultCode;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class MerchantPaymentsPageResponse {
  @ApiProperty({ type: [MerchantPaymentEntryResponse], description: 'Newest first' })
  items!: MerchantPaymentEntryResponse[];

  @ApiPropertyOptional({ description: 'Pass as cursor for the next page; absent on the last page' })
  nextCursor?: string;
}

export function toPaymentEntryResponse(entry: MerchantPaymentEntry): MerchantPaymentEntryResponse {
  return {
    paymentId: entry.paymentId,
    kind: entry.kind,
    orderId: entry.orderId,
    orderReference: entry.orderReference,
    ...(entry.refundReference !== null ? { refundReference: entry.refundReference } : {}),
    amount: entry.amount.toDto(),
    status: entry.status,
    ...(entry.resultCode !== null ? { resultCode: entry.resultCode } : {}),
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}
