import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { BANK_LEG_STATES, BankLegState, Money, MoneyDto, PAYMENT_STATUSES, PaymentStatus } from '@kirim/contracts';
import { PAGE_LIMIT_MESSAGE, PAGE_LIMIT_PATTERN } from '../operations/operator-http';
import { LegExpectation, LegName, MISMATCH_KINDS, MismatchKind } from './leg-comparison';
import type { ReconciliationRun, StoredMismatch } from './reconciliation-runs.repository';

export class AmountView extends MoneyDto {
  @ApiProperty({ example: '500.00' }) declare value: string;
  @ApiProperty({ example: 'INR', enum: ['INR'] }) declare currency: 'INR';
}

export class MismatchCountView {
  @ApiProperty({ enum: MISMATCH_KINDS }) kind!: MismatchKind;
  @ApiProperty({ minimum: 1 }) count!: number;
}

export class ReconciliationRunView {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: ['schedule', 'operator'] }) trigger!: 'schedule' | 'operator';
  @ApiProperty({ type: String, nullable: true, description: 'The operator who started it; null for a scheduled run.' }) requestedBy!: string | null;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: 'running' | 'completed' | 'failed';
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ description: 'Payments compared with the banks.' }) paymentsChecked!: number;
  @ApiProperty({ description: 'Their legs the banks were asked about.' }) legsChecked!: number;
  @ApiProperty({ description: 'Disagreements found; each raised an alert (kirim_alerts_total{alert="reconciliation-mismatch"}).' }) mismatches!: number;
  @ApiProperty({ type: MismatchCountView, isArray: true }) mismatchesByKind!: MismatchCountView[];
  @ApiProperty({ type: String, nullable: true, description: 'Why a failed run failed.' }) failureReason!: string | null;
}

export class MismatchView {
  @ApiProperty({ description: 'Its position: pass it as `after` for the next page.', example: '42' }) mismatchId!: string;
  @ApiProperty({ format: 'uuid' }) paymentId!: string;
  @ApiProperty({ enum: PAYMENT_STATUSES, description: "The payment's state when the run read it." }) paymentStatus!: PaymentStatus;
  @ApiProperty({ enum: ['debit', 'credit', 'reversal', 'unexpected'], description: '`unexpected`: a leg the bank recorded for the payment under a request id the payment does not hold.' })
  leg!: LegName | 'unexpected';
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({
    enum: MISMATCH_KINDS,
    description:
      '`bank-applied-not-counted` the bank moved money the payment does not count; `counted-not-applied` the payment counts a leg the bank declined or has no record of; ' +
      '`amount-differs`; `leg-differs` (direction, account or bank); `leg-unknown` the bank cannot say yet (a partner bank was asked again); `pending-leg-stuck` the payment still waits for a leg the bank answered or never received.',
  })
  kind!: MismatchKind;
  @ApiProperty({ type: String, enum: ['applied', 'not-applied', 'pending'], nullable: true, description: 'What the payment counts for the leg; null for an unexpected leg.' })
  expected!: LegExpectation | null;
  @ApiProperty({ enum: BANK_LEG_STATES }) bankState!: BankLegState;
  @ApiPropertyOptional({ type: AmountView, nullable: true }) expectedAmount!: AmountView | null;
  @ApiPropertyOptional({ type: AmountView, nullable: true, description: 'What the bank moved (or recorded, for a decline).' }) bankAmount!: AmountView | null;
  @ApiProperty() detail!: string;
}

export class MismatchPageView {
  @ApiProperty({ type: MismatchView, isArray: true }) mismatches!: MismatchView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one.' }) nextCursor!: string | null;
}

export class RunReconciliationBody {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 86400,
    description: 'Judge payments updated up to this many seconds ago (RECONCILIATION_GRACE_MS by default): 0 looks at a payment that just ended, whose answers may still be in flight.',
  })
  @IsOptional()
  @IsInt({ message: 'graceSeconds must be a whole number of seconds from 0 to 86400' })
  @Min(0, { message: 'graceSeconds must be a whole number of seconds from 0 to 86400' })
  @Max(86_400, { message: 'graceSeconds must be a whole number of seconds from 0 to 86400' })
  graceSeconds?: number;
}

export class MismatchPageQueryDto {
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.', example: '42' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'after must be a cursor from a previous page' })
  after?: string;

  @ApiPropertyOptional({ description: 'Page size, 1 to 200; 50 by default.', example: '50' })
  @IsOptional()
  @Matches(PAGE_LIMIT_PATTERN, { message: PAGE_LIMIT_MESSAGE })
  limit?: string;

  @ApiPropertyOptional({ enum: MISMATCH_KINDS, description: 'Only mismatches of this kind.' })
  @IsOptional()
  @IsIn(MISMATCH_KINDS, { message: `kind must be one of ${MISMATCH_KINDS.join(', ')}` })
  kind?: MismatchKind;
}

const amountView = (amount: Money | null): AmountView | null => (amount === null ? null : (amount.toDto() as AmountView));

export function toRunView(run: ReconciliationRun): ReconciliationRunView {
  return {
    runId: run.runId,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    paymentsChecked: run.paymentsChecked,
    legsChecked: run.legsChecked,
    mismatches: run.mismatches,
    mismatchesByKind: run.mismatchesByKind.map(({ kind, count }) => ({ kind, count })),
    failureReason: run.failureReason,
  };
}

export function toMismatchView(mismatch: StoredMismatch): MismatchView {
  return {
    mismatchId: mismatch.mismatchId,
    paymentId: mismatch.paymentId,
    paymentStatus: mismatch.paymentStatus,
    leg: mismatch.leg,
    requestId: mismatch.requestId,
    kind: mismatch.kind,
    expected: mismatch.expected,
    bankState: mismatch.bankState,
    expectedAmount: amountView(mismatch.expectedAmount),
    bankAmount: amountView(mismatch.bankAmount),
    detail: mismatch.detail,
  };
}
