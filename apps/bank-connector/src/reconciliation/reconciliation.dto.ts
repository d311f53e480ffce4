import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ALL_RESULT_CODES,
  BANK_LEG_DIRECTIONS,
  BANK_LEG_SOURCES,
  BANK_LEG_STATES,
  BankLegDirection,
  BankLegReport,
  BankLegSource,
  BankLegState,
  BankLegToReconcile,
  LEG_PURPOSES,
  LegPurpose,
  MAX_LEGS_PER_RECONCILIATION,
  MoneyDto,
  ReconcileBankLegsAnswer,
  ReconcileBankLegsRequest,
  RecordedBankLeg,
  ResultCode,
} from '@kirim/contracts';

/*
 * The contract's classes (libs/contracts internal-contracts.ts: their validation) with the OpenAPI
 * description added.
 */

export class ReconciliationAmountDto extends MoneyDto {
  @ApiProperty({ example: '500.00', description: 'Decimal string, at most 2 fraction digits.' }) declare value: string;
  @ApiProperty({ example: 'INR', enum: ['INR'] }) declare currency: 'INR';
}

export class BankLegToReconcileDto extends BankLegToReconcile {
  @ApiProperty({ format: 'uuid', description: 'The leg\'s request id (BankLegRequested.requestId): what the bank applies at most once.' }) declare requestId: string;
  @ApiProperty({ format: 'uuid' }) declare paymentId: string;
  @ApiProperty({ enum: LEG_PURPOSES }) declare purpose: LegPurpose;
  @ApiProperty({ enum: BANK_LEG_DIRECTIONS }) declare direction: BankLegDirection;
  @ApiProperty({ example: 'SBXA' }) declare bankCode: string;
  @ApiProperty({ format: 'uuid' }) declare accountRef: string;
  @ApiProperty({ type: ReconciliationAmountDto })
  @Type(() => ReconciliationAmountDto)
  declare amount: ReconciliationAmountDto;
}

export class ReconcileBankLegsRequestDto extends ReconcileBankLegsRequest {
  @ApiProperty({ type: BankLegToReconcileDto, isArray: true, minItems: 1, maxItems: MAX_LEGS_PER_RECONCILIATION })
  @Type(() => BankLegToReconcileDto)
  declare legs: BankLegToReconcileDto[];
}

export class RecordedBankLegDto extends RecordedBankLeg {
  @ApiProperty({ enum: LEG_PURPOSES }) declare purpose: LegPurpose;
  @ApiProperty({ enum: BANK_LEG_DIRECTIONS, description: "For an applied sandbox leg, the direction of the ledger entry on the customer's account." }) declare direction: BankLegDirection;
  @ApiProperty({ example: 'SBXA' }) declare bankCode: string;
  @ApiProperty({ format: 'uuid' }) declare accountRef: string;
  @ApiProperty({ type: ReconciliationAmountDto, description: "For an applied sandbox leg, what the ledger entries moved on the customer's account." }) declare amount: ReconciliationAmountDto;
}

export class BankLegReportDto extends BankLegReport {
  @ApiProperty({ format: 'uuid' }) declare requestId: string;
  @ApiProperty({ format: 'uuid' }) declare paymentId: string;
  @ApiProperty({
    enum: BANK_LEG_STATES,
    description: '`applied` the money moved; `declined` the bank refused it; `not-found` no bank was sent this request id; `unknown` a partner bank has not answered yet.',
  })
  declare state: BankLegState;
  @ApiProperty({ enum: BANK_LEG_SOURCES, description: 'Where the answer comes from.' }) declare source: BankLegSource;
  @ApiPropertyOptional({ type: RecordedBankLegDto, description: 'The leg as the bank recorded it; absent when there is no record.' }) declare recorded?: RecordedBankLegDto;
  @ApiPropertyOptional({ enum: ALL_RESULT_CODES }) declare resultCode?: ResultCode;
  @ApiPropertyOptional({ example: '000000000042' }) declare rrn?: string;
  @ApiProperty({ description: 'A status request (the original request re-sent, same request id, no PIN) went to the partner bank now.' }) declare statusRequested: boolean;
}

export class ReconcileBankLegsAnswerDto extends ReconcileBankLegsAnswer {
  @ApiProperty({ type: BankLegReportDto, isArray: true, description: 'One report per leg asked, in the order asked.' }) declare legs: BankLegReportDto[];
  @ApiProperty({ type: BankLegReportDto, isArray: true, description: 'Legs the banks recorded for the same payments that were not asked about.' }) declare unaskedLegs: BankLegReportDto[];
}
