import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MoneyDto } from '../values/money';
import { ALL_RESULT_CODES, ResultCode } from '../values/result-codes';
import { AbsentWith, RequiredWithout } from '../validation';
import { HOLDER_NAME_MAX_LENGTH, HOLDER_NAME_PATTERN, MERCHANT_REFERENCE_PATTERN, RRN_PATTERN, UPI_TXN_ID_PATTERN } from '../values/identifiers';

/**
 * The payment state machine's states (docs/payment-lifecycle.md). `reversal_failed`: the payer's bank
 * declined or never answered the reversal; it is retried on a backoff, then left to an operator.
 */
export const PAYMENT_STATUSES = [
  'created',
  'debit_pending',
  'debited',
  'credit_pending',
  'completed',
  'debit_failed',
  'credit_failed',
  'reversal_pending',
  'reversal_failed',
  'reversed',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * A merchant payment's link to its order (docs/merchants.md): an order's payment (customer → the
 * merchant's settlement account), or a refund of it (`refundOf`, the other way).
 */
export class PaymentMerchantLink {
  @IsUUID()
  merchantId!: string;

  @IsUUID()
  orderId!: string;

  /** The refunded payment (the order's payment) when this payment is a refund; absent on the order's payment. */
  @IsOptional()
  @IsUUID()
  refundOf?: string;
}

/**
 * What every announcement of a payment's step says of the payment itself: its UPI transaction id,
 * amount, state and the codes the banks gave. Shared by payments' lifecycle event and the merchant
 * webhook (webhooks/merchant-webhook.ts), so the two describe a payment the same way. Not an event
 * of its own.
 */
export class PaymentStepFields {
  @IsUUID()
  paymentId!: string;

  @Matches(UPI_TXN_ID_PATTERN)
  txnId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @IsIn(PAYMENT_STATUSES)
  status!: PaymentStatus;

  @IsOptional()
  @IsIn(ALL_RESULT_CODES)
  resultCode?: ResultCode;

  @IsOptional()
  @Matches(RRN_PATTERN)
  rrn?: string;
}

/** What payments tells the world when a payment reaches a state others care about. */
export class PaymentLifecycleEvent extends PaymentStepFields {
  @IsUUID()
  payerUserId!: string;

  @IsUUID()
  payeeUserId!: string;

  @IsISO8601()
  occurredAt!: string;

  /** Present on a merchant order's payment and on a refund; absent on a payment between people. */
  @IsOptional()
  @ValidateNested()
  @Type(() => PaymentMerchantLink)
  merchant?: PaymentMerchantLink;
}

/**
 * A user onboarded a merchant (a business account in the chat). Carries what others need to serve
 * it: its owner (who may manage its webhook endpoints at notifications) and its public display name.
 */
export class MerchantOnboarded {
  @IsUUID()
  merchantId!: string;

  @IsUUID()
  ownerUserId!: string;

  @IsString()
  @Length(1, HOLDER_NAME_MAX_LENGTH)
  @Matches(HOLDER_NAME_PATTERN)
  displayName!: string;

  @IsISO8601()
  onboardedAt!: string;
}

/**
 * A collect request's answer (docs/merchants.md, "Collect requests"): none yet, approved with the UPI
 * PIN (a payment follows, with its own events), declined by the customer, or none before its expiry (U69).
 */
export const COLLECT_REQUEST_STATUSES = ['pending', 'approved', 'declined', 'expired'] as const;
export type CollectRequestStatus = (typeof COLLECT_REQUEST_STATUSES)[number];

/** A note a requester writes for the customer (as on a payment): at most 50 characters. */
export const COLLECT_NOTE_MAX_LENGTH = 50;

/**
 * What payments tells the world when a collect request is made, declined or expires. Exactly one of
 * `merchantId` (a merchant asked) and `requesterUserId` (a person asked) is present. No phone number:
 * the customer is known by user id only.
 */
export class CollectRequestEvent {
  @IsUUID()
  collectRequestId!: string;

  /** The customer asked to pay. */
  @IsUUID()
  payerUserId!: string;

  /** A merchant asked (exactly one of merchantId and requesterUserId). */
  @RequiredWithout('requesterUserId')
  @IsUUID()
  merchantId?: string;

  /** A person asked. */
  @IsOptional()
  @IsUUID()
  @AbsentWith('merchantId')
  requesterUserId?: string;

  /** The requester's own id for the request. */
  @Matches(MERCHANT_REFERENCE_PATTERN)
  reference!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  /** The requester's note to the customer, as they wrote it (receipts clean it before showing it). */
  @IsOptional()
  @IsString()
  @MaxLength(COLLECT_NOTE_MAX_LENGTH)
  note?: string;

  @IsIn(COLLECT_REQUEST_STATUSES)
  status!: CollectRequestStatus;

  /** U69 on an expired request. */
  @IsOptional()
  @IsIn(ALL_RESULT_CODES)
  resultCode?: ResultCode;

  @IsISO8601()
  expiresAt!: string;

  @IsISO8601()
  occurredAt!: string;
}
