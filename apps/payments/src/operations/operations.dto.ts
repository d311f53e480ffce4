import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MoneyDto, PAYMENT_STATUSES } from '@kirim/contracts';
import type { DeadLetterRecord } from '@kirim/messaging';
import type { QuarantinedOutboxRecord } from '@kirim/messaging';
import { OPERATOR_REFERENCE_PATTERN } from '../payment/operator-command';
import type { Payment } from '../payment/payment';
import { PAGE_LIMIT_MESSAGE, PAGE_LIMIT_PATTERN } from './operator-http';
import type { NeedsOperatorReason, PaymentNeedingOperatorItem } from './list-needs-operator/list-needs-operator.use-case';
import { PAYMENT_FLAG_REASONS, PaymentFlag } from './payment-flags.repository';

const NEEDS_OPERATOR_REASONS: readonly NeedsOperatorReason[] = ['dead-lettered-answer', 'reversal-retries-exhausted', 'quarantined', 'late-credit-after-deemed-failure'];
const CURSOR = /^[A-Za-z0-9_-]{1,400}$/;
/** Printable text only: it lands in the audit trail and in logs. */
const PRINTABLE = /^[^\p{Cc}]*$/u;

// --- queries ------------------------------------------------------------------------------

export class NeedsOperatorQueryDto {
  @ApiPropertyOptional({ description: 'Page size, 1 to 100; 50 by default.', example: '50' })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|100)$/, { message: 'limit must be a whole number from 1 to 100' })
  limit?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @IsOptional()
  @Matches(CURSOR, { message: 'cursor must be a cursor from a previous page' })
  cursor?: string;
}

export class DeadLetterListQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'replayed'], description: 'Open ones wait for an operator; replayed ones were applied.' })
  @IsOptional()
  @IsIn(['open', 'replayed'], { message: 'status must be open or replayed' })
  status?: 'open' | 'replayed';

  @ApiPropertyOptional({ description: 'Only records of this CloudEvents type.', example: 'bank.credit.succeeded.v1' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,99}$/, { message: 'type must be a CloudEvents type such as bank.credit.succeeded.v1' })
  type?: string;

  @ApiPropertyOptional({ description: 'Page size, 1 to 200; 50 by default.', example: '50' })
  @IsOptional()
  @Matches(PAGE_LIMIT_PATTERN, { message: PAGE_LIMIT_MESSAGE })
  limit?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'after must be a cursor from a previous page' })
  after?: string;
}

export class QuarantineListQueryDto {
  @ApiPropertyOptional({ description: 'Page size, 1 to 200; 50 by default.', example: '50' })
  @IsOptional()
  @Matches(PAGE_LIMIT_PATTERN, { message: PAGE_LIMIT_MESSAGE })
  limit?: string;

  @ApiPropertyOptional({ description: 'The `nextBefore` of the previous page (an outbox position).', example: '1042' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'before must be an outbox position from a previous page' })
  before?: string;
}

// --- bodies -------------------------------------------------------------------------------

export class RetryReversalBody {
  @ApiPropertyOptional({ maxLength: 500, description: 'Why, for the audit trail.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(PRINTABLE, { message: 'note must be printable text' })
  note?: string;
}

export class ResolveReversalBody extends RetryReversalBody {
  @ApiProperty({ maxLength: 100, description: "Where the money went back to the payer: the bank's transfer reference, a ticket.", example: 'SBXA-MANUAL-2026-0042' })
  @IsString()
  @Matches(OPERATOR_REFERENCE_PATTERN, { message: 'reference must be 1 to 100 printable characters: where the money went back' })
  reference!: string;
}

// --- views --------------------------------------------------------------------------------

export class OperatorAmountView extends MoneyDto {
  @ApiProperty({ example: '500.00' }) declare value: string;
  @ApiProperty({ example: 'INR', enum: ['INR'] }) declare currency: 'INR';
}

export class PaymentFlagView {
  @ApiProperty({ example: '17' }) flagId!: string;
  @ApiProperty({ enum: PAYMENT_FLAG_REASONS }) reason!: (typeof PAYMENT_FLAG_REASONS)[number];
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The dead letter to replay (POST .../dead-letters/{id}/replay) once its cause is fixed.' }) deadLetterId!: string | null;
  @ApiProperty() detail!: string;
  @ApiProperty({ format: 'date-time' }) flaggedAt!: string;
}

export class OperatorPaymentView {
  @ApiProperty({ example: 'KRM0B6F7C1E8A444C1E9D2A0F6A1B2C3D4E' }) txnId!: string;
  @ApiProperty({ enum: PAYMENT_STATUSES }) status!: string;
  @ApiProperty({ type: OperatorAmountView }) amount!: OperatorAmountView;
  @ApiProperty({ example: 'SBXA' }) payerBankCode!: string;
  @ApiProperty({ example: 'SBXB' }) payeeBankCode!: string;
  @ApiProperty({ type: String, nullable: true }) resultCode!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) debitRequestId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) creditRequestId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) reversalRequestId!: string | null;
  @ApiProperty() reversalAttempts!: number;
  @ApiProperty({ type: String, nullable: true, enum: ['declined', 'unanswered'] }) reversalFailure!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the reversal is due at the latest (the scheme profile).' }) reversalDueBy!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class QuarantineNoteView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() reason!: string;
}

export class PaymentNeedingOperatorView {
  @ApiProperty({ format: 'uuid' }) paymentId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'As stored; null when payments has no row for the id a flag names.' }) status!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt!: string | null;
  @ApiProperty({ enum: NEEDS_OPERATOR_REASONS, isArray: true }) reasons!: NeedsOperatorReason[];
  @ApiProperty({ type: QuarantineNoteView, nullable: true }) quarantine!: QuarantineNoteView | null;
  @ApiProperty({ type: PaymentFlagView, isArray: true }) flags!: PaymentFlagView[];
  @ApiProperty({ type: OperatorPaymentView, nullable: true, description: 'Null for a row that cannot be read as a payment, and in the flagged part of the list.' }) payment!: OperatorPaymentView | null;
}

export class PaymentsNeedingOperatorPage {
  @ApiProperty({ type: PaymentNeedingOperatorView, isArray: true }) payments!: PaymentNeedingOperatorView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last one.' }) nextCursor!: string | null;
}

export class DeadLetterView {
  @ApiProperty({ format: 'uuid' }) deadLetterId!: string;
  @ApiProperty() consumerGroup!: string;
  @ApiProperty() topic!: string;
  @ApiProperty() partition!: number;
  @ApiProperty({ example: '1042' }) offset!: string;
  @ApiProperty({ type: String, nullable: true, description: 'For a record refused before it was decoded, what its headers claimed: untrusted.' }) recordKey!: string | null;
  @ApiProperty({ type: String, nullable: true }) ceId!: string | null;
  @ApiProperty({ type: String, nullable: true }) ceType!: string | null;
  @ApiProperty({ type: String, nullable: true }) ceSource!: string | null;
  @ApiProperty({ type: String, nullable: true }) ceSubject!: string | null;
  @ApiProperty({ description: 'Why it was dead-lettered.' }) reason!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ description: 'A handler failure keeps its event and can be replayed once the cause is fixed; a refused record cannot.' }) replayable!: boolean;
  @ApiProperty({ enum: ['open', 'replayed'] }) status!: 'open' | 'replayed';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) replayedAt!: string | null;
  @ApiProperty() replayAttempts!: number;
  @ApiProperty({ type: String, nullable: true }) lastReplayError!: string | null;
}

export class DeadLetterDetailView extends DeadLetterView {
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'The stored event (never a UPI PIN block) of a replayable one.' })
  event!: object | null;
}

export class DeadLetterPageView {
  @ApiProperty({ type: DeadLetterView, isArray: true }) deadLetters!: DeadLetterView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one.' }) nextCursor!: string | null;
}

export class ReplayOutcomeView {
  @ApiProperty({ enum: ['replayed'] }) outcome!: 'replayed';
  @ApiProperty({ type: DeadLetterView }) deadLetter!: DeadLetterView;
}

export class QuarantinedMessageView {
  @ApiProperty({ format: 'uuid', description: 'The CloudEvents id: what requeue takes.' }) messageId!: string;
  @ApiProperty({ example: '1042', description: 'Where it stood in the outbox.' }) position!: string;
  @ApiProperty() topic!: string;
  @ApiProperty() recordKey!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: String, nullable: true }) subject!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The payload (never a UPI PIN block).' }) data!: object;
  @ApiProperty({ description: 'Why the relay set it aside.' }) reason!: string;
  @ApiProperty({ format: 'date-time' }) quarantinedAt!: string;
}

export class QuarantinePageView {
  @ApiProperty({ type: QuarantinedMessageView, isArray: true }) messages!: QuarantinedMessageView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next page; null on the last one.' }) nextBefore!: string | null;
}

export class RequeuedView {
  @ApiProperty({ enum: ['requeued'] }) outcome!: 'requeued';
  @ApiProperty({ example: '2048', description: 'Its new place at the end of the outbox.' }) position!: string;
}

// --- mappers ------------------------------------------------------------------------------

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

export function toFlagView(flag: PaymentFlag): PaymentFlagView {
  return { flagId: flag.flagId, reason: flag.reason, deadLetterId: flag.deadLetterId, detail: flag.detail, flaggedAt: flag.flaggedAt.toISOString() };
}

export function toOperatorPaymentView(payment: Payment): OperatorPaymentView {
  return {
    txnId: payment.txnId,
    status: payment.status,
    amount: payment.amount.toDto() as OperatorAmountView,
    payerBankCode: payment.payer.bankCode,
    payeeBankCode: payment.payee.bankCode,
    resultCode: payment.resultCode,
    debitRequestId: payment.debitRequestId,
    creditRequestId: payment.creditRequestId,
    reversalRequestId: payment.reversalRequestId,
    reversalAttempts: payment.reversalAttempts,
    reversalFailure: payment.reversalFailure,
    reversalDueBy: iso(payment.reversalDueBy),
    updatedAt: payment.updatedAt.toISOString(),
  };
}

export function toNeedingOperatorView(item: PaymentNeedingOperatorItem): PaymentNeedingOperatorView {
  return {
    paymentId: item.paymentId,
    status: item.status,
    createdAt: iso(item.createdAt),
    reasons: [...item.reasons],
    quarantine: item.quarantine === null ? null : { at: item.quarantine.at.toISOString(), reason: item.quarantine.reason },
    flags: item.flags.map(toFlagView),
    payment: item.payment === null ? null : toOperatorPaymentView(item.payment),
  };
}

export function toDeadLetterView(record: DeadLetterRecord): DeadLetterView {
  return {
    deadLetterId: record.id,
    consumerGroup: record.consumerGroup,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    recordKey: record.recordKey,
    ceId: record.ceId,
    ceType: record.ceType,
    ceSource: record.ceSource,
    ceSubject: record.ceSubject,
    reason: record.reason,
    attempts: record.attempts,
    replayable: record.replayable,
    status: record.status,
    createdAt: record.createdAt.toISOString(),
    replayedAt: iso(record.replayedAt),
    replayAttempts: record.replayAttempts,
    lastReplayError: record.lastReplayError,
  };
}

export function toDeadLetterDetailView(record: DeadLetterRecord): DeadLetterDetailView {
  return { ...toDeadLetterView(record), event: record.event };
}

export function toQuarantinedView(record: QuarantinedOutboxRecord): QuarantinedMessageView {
  return {
    messageId: record.id,
    position: record.position,
    topic: record.topic,
    recordKey: record.recordKey,
    type: record.type,
    subject: record.subject,
    occurredAt: record.occurredAt.toISOString(),
    data: record.data,
    reason: record.reason,
    quarantinedAt: record.quarantinedAt.toISOString(),
  };
}
