import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateNested } from 'class-validator';
import {
  E164_PATTERN,
  ENCRYPTED_PIN_PATTERN,
  MAX_ENCRYPTED_PIN_LENGTH,
  MoneyDto,
  PAYMENT_ADDRESS_PATTERN,
  PAYMENT_STATUSES,
  PaymentStatus,
  ResultCode,
} from '@kirim/contracts';
import { merchantAddress } from '../merchant/merchant';
import { MAX_HISTORY_PAGE, MERCHANT_REFERENCE_PATTERN } from '../merchant/merchants.dto';
import { AmountBody } from '../payment/payments.dto';
import { COLLECT_REQUEST_STATUSES, CollectRequest, CollectRequestStatus } from './collect-request';
import { CollectRequestView } from './get-collect-request/get-collect-request.use-case';
import { PendingCollectRequest } from './list-pending-collect-requests/list-pending-collect-requests.use-case';

/** UPI's own bound on a collect's expiry (45 days); the scheme profile's bounds are checked by the use case. */
const MAX_EXPIRY_MINUTES = 64_800;

// --- the requester's side (a merchant, or a person where the profile allows it) ------------------

/** The customer by exactly one of their phone number and their kirim payment address. */
export class CollectCustomerBody {
  @ApiPropertyOptional({ example: '+919876543210', description: 'E.164 phone number of the customer. Exactly one of phone and address.' })
  @IsOptional()
  @IsString()
  @Matches(E164_PATTERN, { message: 'customer.phone must be an E.164 phone number, e.g. +919876543210' })
  phone?: string;

  @ApiPropertyOptional({ example: 'asha.k@kirim', maxLength: 255, description: 'Payment address of the customer (handle@psp). Exactly one of phone and address.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(PAYMENT_ADDRESS_PATTERN, { message: 'customer.address must be a payment address handle@psp of letters, digits, ".", "-" and "_"' })
  address?: string;
}

/** Both or neither would leave it to the server to guess whom to ask. */
function HasExactlyOneCustomerIdentifier(): PropertyDecorator {
  return ValidateBy({
    name: 'hasExactlyOneCustomerIdentifier',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'object' || value === null) return true; // IsDefined and ValidateNested answer for that
        const { phone, address } = value as { phone?: unknown; address?: unknown };
        return (phone === undefined) !== (address === undefined);
      },
      defaultMessage: () => 'customer must have exactly one of phone and address',
    },
  });
}

/** Where a person asking is paid. */
export class CollectPayToBody {
  @ApiProperty({ example: 'ravi.k@kirim', maxLength: 255, description: "One of the requester's own custom kirim addresses (not the phone-number one), with a linked bank account behind it" })
  @IsString()
  @MaxLength(255)
  @Matches(PAYMENT_ADDRESS_PATTERN, { message: 'payTo.address must be a payment address handle@psp of letters, digits, ".", "-" and "_"' })
  address!: string;
}

export class CreateCollectRequestBody {
  @ApiProperty({ example: 'COL-2026-0042', description: "The requester's own id for the request, unique per merchant (or per person): the same reference and body answer the same request" })
  @IsString()
  @Matches(MERCHANT_REFERENCE_PATTERN, { message: 'reference must be 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-"' })
  reference!: string;

  @ApiProperty({ type: CollectCustomerBody, description: 'Who is asked to pay: exactly one of phone and address. Never stored or shown back; the request keeps only the user it resolved to.' })
  @IsDefined()
  @HasExactlyOneCustomerIdentifier()
  @ValidateNested()
  @Type(() => CollectCustomerBody)
  customer!: CollectCustomerBody;

  @ApiProperty({ type: AmountBody })
  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @ValidateNested()
  @Type(() => AmountBody)
  amount!: AmountBody;

  /** UPI's remarks field is short; 50 characters is what the customer's bank shows on a statement. */
  @ApiPropertyOptional({ maxLength: 50, example: 'Table 4: 2 masala chai' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  note?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_EXPIRY_MINUTES,
    example: 30,
    description: "How long the customer has to answer; the scheme profile's default (30 min on UPI) when absent, within its bounds (1 min to 24 h on UPI). Then it expires (U69).",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_EXPIRY_MINUTES)
  expiresInMinutes?: number;

  @ApiPropertyOptional({
    type: CollectPayToBody,
    description: 'A person asking (user token, where the scheme profile allows collect requests between people): where to be paid. Required then; refused from a merchant, which is paid to its settlement address.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CollectPayToBody)
  payTo?: CollectPayToBody;
}

export class CollectPaymentView {
  @ApiProperty({ format: 'uuid' })
  paymentId!: string;

  @ApiProperty({ enum: PAYMENT_STATUSES, description: 'completed once the requester is paid; debit_failed or reversed when the approval did not pay' })
  status!: PaymentStatus;

  @ApiPropertyOptional({ description: 'UPI result code once the payment is final or failed' })
  resultCode?: ResultCode;
}

export class CollectPayToView {
  @ApiProperty({ example: 'ravi.k@kirim' })
  address!: string;
}

export class CollectRequestResponse {
  @ApiProperty({ format: 'uuid' })
  collectRequestId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: "A merchant's request: the merchant asking" })
  merchantId?: string;

  @ApiPropertyOptional({ type: CollectPayToView, description: "A request between people: the requester's address the customer pays into" })
  payTo?: CollectPayToView;

  @ApiProperty()
  reference!: string;

  @ApiProperty({
    enum: COLLECT_REQUEST_STATUSES,
    description: "The customer's answer: pending, approved (with the UPI PIN: see payment), declined, or expired (no answer before expiresAt, U69)",
  })
  status!: CollectRequestStatus;

  @ApiPropertyOptional({ description: 'U69 once expired' })
  resultCode?: ResultCode;

  @ApiProperty({ type: AmountBody })
  amount!: MoneyDto;

  @ApiPropertyOptional()
  note?: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the customer answered, or when it expired' })
  decidedAt?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Once approved: the order it is paid through, to read or refund at /v1/merchant-orders/{orderId}' })
  orderId?: string;

  @ApiPropertyOptional({ type: CollectPaymentView, description: 'Once approved: the payment and where it is' })
  payment?: CollectPaymentView;
}

export function toCollectRequestResponse(view: CollectRequestView): CollectRequestResponse {
  const { request, payment } = view;
  return {
    collectRequestId: request.id,
    ...(request.merchantId !== null ? { merchantId: request.merchantId } : { payTo: { address: request.payToAddress } }),
    reference: request.reference,
    status: request.status,
    ...(request.resultCode !== null ? { resultCode: request.resultCode } : {}),
    amount: request.amount.toDto(),
    ...(request.note !== null ? { note: request.note } : {}),
    expiresAt: request.expiresAt.toISOString(),
    createdAt: request.createdAt.toISOString(),
    ...(request.decidedAt !== null ? { decidedAt: request.decidedAt.toISOString() } : {}),
    ...(request.orderId !== null ? { orderId: request.orderId } : {}),
    ...(payment !== null ? { payment: { paymentId: payment.id, status: payment.status, ...(payment.resultCode !== null ? { resultCode: payment.resultCode } : {}) } } : {}),
  };
}

// --- the customer's side --------------------------------------------------------------------

export class CollectingMerchantView {
  @ApiProperty({ format: 'uuid' })
  merchantId!: string;

  @ApiProperty({ example: 'Chai Point' })
  displayName!: string;

  @ApiProperty({ example: 'chai.point@kirim' })
  address!: string;
}

export class CollectingPersonView {
  @ApiProperty({ example: 'ravi.k@kirim', description: 'The address approving pays into: one of their own custom addresses' })
  address!: string;
}

export class CustomerCollectRequestResponse {
  @ApiProperty({ format: 'uuid' })
  collectRequestId!: string;

  @ApiPropertyOptional({ type: CollectingMerchantView, description: "Who asks to be paid, when it is a merchant (exactly one of merchant and person)" })
  merchant?: CollectingMerchantView;

  @ApiPropertyOptional({ type: CollectingPersonView, description: 'Who asks to be paid, when it is a person (a collect request between people, where the scheme profile allows them)' })
  person?: CollectingPersonView;

  @ApiProperty({ enum: COLLECT_REQUEST_STATUSES })
  status!: CollectRequestStatus;

  @ApiProperty({ type: AmountBody, description: 'What approving pays: the PIN block must be made for this amount' })
  amount!: MoneyDto;

  @ApiPropertyOptional()
  note?: string;

  @ApiProperty({ format: 'date-time', description: 'Approve or decline before this; then it expires (U69)' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toCustomerCollectRequestResponse(item: PendingCollectRequest): CustomerCollectRequestResponse {
  const { request } = item;
  return {
    collectRequestId: request.id,
    ...(item.merchant !== null
      ? { merchant: { merchantId: item.merchant.id, displayName: item.merchant.displayName, address: merchantAddress(item.merchant) } }
      : { person: { address: item.request.payToAddress } }),
    status: request.status,
    amount: request.amount.toDto(),
    ...(request.note !== null ? { note: request.note } : {}),
    expiresAt: request.expiresAt.toISOString(),
    createdAt: request.createdAt.toISOString(),
  };
}

export class PendingCollectRequestsQuery {
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_HISTORY_PAGE, default: 20 })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|100)$/, { message: `limit must be between 1 and ${MAX_HISTORY_PAGE}` })
  limit?: string;
}

export class PendingCollectRequestsPageResponse {
  @ApiProperty({ type: [CustomerCollectRequestResponse], description: 'Newest first; only requests still pending and not past their expiry' })
  items!: CustomerCollectRequestResponse[];

  @ApiPropertyOptional({ description: 'Pass as cursor for the next page; absent on the last page' })
  nextCursor?: string;
}

export class ApproveCollectRequestBody {
  @ApiProperty({
    maxLength: MAX_ENCRYPTED_PIN_LENGTH,
    description:
      'The customer\'s UPI PIN: compact JWE (ECDH-ES, A256GCM, kid of the bank key from GET /v1/banks) of {"purpose":"pay","pin":"…","amount":<the request\'s amount>,"iat":…} ' +
      "for the customer's bank (docs/upi-pin.md). Never logged or stored by kirim.",
  })
  @IsString()
  @MaxLength(MAX_ENCRYPTED_PIN_LENGTH)
  @Matches(ENCRYPTED_PIN_PATTERN, { message: "encryptedPin must be a compact JWE (the UPI PIN encrypted for the customer's bank)" })
  encryptedPin!: string;
}

export class DeclinedCollectRequestResponse {
  @ApiProperty({ format: 'uuid' })
  collectRequestId!: string;

  @ApiProperty({ enum: ['declined'] })
  status!: 'declined';

  @ApiProperty({ format: 'date-time' })
  decidedAt!: string;
}

export function toDeclinedResponse(request: CollectRequest): DeclinedCollectRequestResponse {
  if (request.status !== 'declined' || request.decidedAt === null) throw new Error('only a declined request answers a decline');
  return { collectRequestId: request.id, status: 'declined', decidedAt: request.decidedAt.toISOString() };
}
