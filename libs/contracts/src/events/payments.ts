import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsOptional, IsUUID, Matches, ValidateNested } from 'class-validator';
import { MoneyDto } from '../values/money';
import { ALL_RESULT_CODES, ResultCode } from '../values/result-codes';
import { RRN_PATTERN, UPI_TXN_ID_PATTERN } from '../values/identifiers';

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

/** What payments tells the world when a payment reaches a state others care about. */
export class PaymentLifecycleEvent {
  @IsUUID()
  paymentId!: string;

  @Matches(UPI_TXN_ID_PATTERN)
  txnId!: string;

  @IsUUID()
  payerUserId!: string;

  @IsUUID()
  payeeUserId!: string;

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

  @IsISO8601()
  occurredAt!: string;
}
