import { Injectable } from '@nestjs/common';
import { Currency, LegPurpose, Money, ResultCode, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import { DataSource } from 'typeorm';
import type { LegAnswer } from '../bank-legs/bank-leg-result';
import type { LegDirection } from '../bank-legs/bank-adapter.port';
import type { PartnerLeg } from '../partner-banks/partner-leg';
import { BankLegRecords, SandboxLegRecord } from './bank-leg-records.repository';

interface SandboxLegRow {
  request_id: string;
  payment_id: string;
  purpose: LegPurpose;
  direction: LegDirection;
  bank_code: string;
  customer_account_id: string;
  result_code: string;
  rrn: string | null;
  amount_minor: string;
  currency: string;
  moved_minor: string;
}

interface PartnerLegRow {
  request_id: string;
  payment_id: string;
  txn_id: string;
  purpose: LegPurpose;
  direction: LegDirection;
  bank_code: string;
  account_ref: string;
  amount_minor: string;
  currency: string;
  forwarded_at: Date;
  forwards: number;
  result_code: string | null;
  rrn: string | null;
  reason: string | null;
  answered_at: Date | null;
}

/** Read-only, outside any consumer transaction: a reconciliation reads committed state. */
@Injectable()
export class TypeOrmBankLegRecords extends BankLegRecords {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async sandboxLegs(requestIds: readonly string[], paymentIds: readonly string[], limit: number): Promise<SandboxLegRecord[]> {
    // Opening balances have no payment and are never asked about (payment_id IS NULL matches neither).
    const rows = await this.dataSource.query<SandboxLegRow[]>(
      `SELECT p.request_id, p.payment_id, p.purpose, p.direction, p.bank_code, p.customer_account_id, p.result_code, p.rrn,
              p.amount_minor::text AS amount_minor, p.currency,
              COALESCE((SELECT SUM(e.amount_minor) FROM sandbox_ledger_entries e WHERE e.posting_id = p.id AND e.account_id = p.customer_account_id), 0)::text AS moved_minor
         FROM sandbox_postings p
        WHERE p.purpose <> 'opening' AND (p.request_id = ANY($1::uuid[]) OR p.payment_id = ANY($2::uuid[]))
        ORDER BY p.created_at, p.request_id
        LIMIT $3`,
      [[...requestIds], [...paymentIds], limit],
    );
    return rows.map((row) => ({
      requestId: row.request_id,
      paymentId: row.payment_id,
      purpose: row.purpose,
      direction: row.direction,
      bankCode: row.bank_code,
      accountRef: row.customer_account_id,
      resultCode: row.result_code as ResultCode,
      rrn: row.rrn,
      amount: Money.ofMinor(BigInt(row.amount_minor), currencyOf(row.currency)),
      movedMinor: BigInt(row.moved_minor),
    }));
  }

  async partnerLegs(requestIds: readonly string[], paymentIds: readonly string[], limit: number): Promise<PartnerLeg[]> {
    const rows = await this.dataSource.query<PartnerLegRow[]>(
      `SELECT request_id, payment_id, txn_id, purpose, direction, bank_code, account_ref, amount_minor::text AS amount_minor, currency,
              forwarded_at, forwards, result_code, rrn, reason, answered_at
         FROM partner_legs
        WHERE request_id = ANY($1::uuid[]) OR payment_id = ANY($2::uuid[])
        ORDER BY forwarded_at, request_id
        LIMIT $3`,
      [[...requestIds], [...paymentIds], limit],
    );
    return rows.map((row) => ({
      requestId: row.request_id,
      paymentId: row.payment_id,
      txnId: row.txn_id.trim(),
      purpose: row.purpose,
      direction: row.direction,
      bankCode: row.bank_code,
      accountRef: row.account_ref,
      amount: Money.ofMinor(BigInt(row.amount_minor), currencyOf(row.currency)),
      forwardedAt: row.forwarded_at,
      forwards: row.forwards,
      answer: answerOf(row),
      answeredAt: row.answered_at,
    }));
  }
}

function currencyOf(stored: string): Currency {
  const currency = SUPPORTED_CURRENCIES.find((candidate) => candidate === stored.trim());
  if (!currency) throw new Error(`unsupported currency in a recorded leg: ${stored}`);
  return currency;
}

function answerOf(row: PartnerLegRow): LegAnswer | null {
  if (row.result_code === null) return null;
  if (row.result_code === '00' && row.rrn !== null) return { approved: true, rrn: row.rrn };
  return { approved: false, resultCode: row.result_code as ResultCode, reason: row.reason ?? 'declined' };
}
