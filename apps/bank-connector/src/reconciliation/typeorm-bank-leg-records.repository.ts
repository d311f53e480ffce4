import { Injectable } from '@nestjs/common';
import { Currency, LegPurpose, Money, ResultCode, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import { DataSource } from 'typeorm';
import type { LegDirection } from '../bank-legs/bank-adapter.port';
import type { PartnerLeg } from '../partner-banks/partner-leg';
import { PartnerLegRepository } from '../partner-banks/partner-leg.repository';
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

/**
 * Read-only, outside any consumer transaction: a reconciliation reads committed state. The sandbox
 * ledger is read here; partner legs through their own repository (PartnerLegRepository), which
 * owns partner_legs and how a row becomes a PartnerLeg.
 */
@Injectable()
export class TypeOrmBankLegRecords extends BankLegRecords {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partnerLegRepository: PartnerLegRepository,
  ) {
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

  partnerLegs(requestIds: readonly string[], paymentIds: readonly string[], limit: number): Promise<PartnerLeg[]> {
    // No transaction: the data source's own manager, on committed rows.
    return this.partnerLegRepository.findByRequestOrPaymentIds({ manager: this.dataSource.manager }, requestIds, paymentIds, limit);
  }
}

function currencyOf(stored: string): Currency {
  const currency = SUPPORTED_CURRENCIES.find((candidate) => candidate === stored.trim());
  if (!currency) throw new Error(`unsupported currency in a recorded leg: ${stored}`);
  return currency;
}
