import { Injectable } from '@nestjs/common';
import { Currency, LegPurpose, Money, ResultCode, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import type { LegDirection } from '../bank-legs/bank-adapter.port';
import type { LegAnswer } from '../bank-legs/bank-leg-result';
import type { NewPartnerLeg, PartnerLeg } from './partner-leg';
import { PartnerLegRepository } from './partner-leg.repository';

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

const COLUMNS = `request_id, payment_id, txn_id, purpose, direction, bank_code, account_ref, amount_minor::text AS amount_minor, currency,
                 forwarded_at, forwards, result_code, rrn, reason, answered_at`;

@Injectable()
export class TypeOrmPartnerLegRepository extends PartnerLegRepository {
  async recordForwarded(tx: InTransaction, leg: NewPartnerLeg): Promise<{ readonly created: boolean; readonly leg: PartnerLeg }> {
    const inserted = await tx.manager.query<PartnerLegRow[]>(
      `INSERT INTO partner_legs (request_id, payment_id, txn_id, purpose, direction, bank_code, account_ref, amount_minor, currency, forwarded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (request_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [leg.requestId, leg.paymentId, leg.txnId, leg.purpose, leg.direction, leg.bankCode, leg.accountRef, leg.amount.minorUnits.toString(), leg.amount.currency, leg.forwardedAt],
    );
    if (inserted.length > 0) return { created: true, leg: toPartnerLeg(inserted[0]) };
    const existing = await this.lockByRequestId(tx, leg.requestId);
    if (!existing) throw new Error(`partner leg ${leg.requestId} vanished after a request id conflict`);
    return { created: false, leg: existing };
  }

  async lockByRequestId(tx: InTransaction, requestId: string): Promise<PartnerLeg | null> {
    const rows = await tx.manager.query<PartnerLegRow[]>(`SELECT ${COLUMNS} FROM partner_legs WHERE request_id = $1 FOR UPDATE`, [requestId]);
    return rows.length === 0 ? null : toPartnerLeg(rows[0]);
  }

  async countForward(tx: InTransaction, requestId: string): Promise<void> {
    await tx.manager.query(`UPDATE partner_legs SET forwards = forwards + 1 WHERE request_id = $1`, [requestId]);
  }

  async recordAnswer(tx: InTransaction, requestId: string, answer: LegAnswer, at: Date): Promise<void> {
    await tx.manager.query(`UPDATE partner_legs SET result_code = $2, rrn = $3, reason = $4, answered_at = $5 WHERE request_id = $1`, [
      requestId,
      answer.approved ? '00' : answer.resultCode,
      answer.approved ? answer.rrn : null,
      answer.approved ? null : answer.reason,
      at,
    ]);
  }

  async findByRequestOrPaymentIds(tx: InTransaction, requestIds: readonly string[], paymentIds: readonly string[], limit: number): Promise<PartnerLeg[]> {
    const rows = await tx.manager.query<PartnerLegRow[]>(
      `SELECT ${COLUMNS} FROM partner_legs
        WHERE request_id = ANY($1::uuid[]) OR payment_id = ANY($2::uuid[])
        ORDER BY forwarded_at, request_id
        LIMIT $3`,
      [[...requestIds], [...paymentIds], limit],
    );
    return rows.map((row) => toPartnerLeg(row));
  }
}

function toPartnerLeg(row: PartnerLegRow): PartnerLeg {
  const currency = SUPPORTED_CURRENCIES.find((candidate) => candidate === row.currency.trim());
  if (!currency) throw new Error(`unsupported currency in partner_legs: ${row.currency}`);
  return {
    requestId: row.request_id,
    paymentId: row.payment_id,
    txnId: row.txn_id.trim(),
    purpose: row.purpose,
    direction: row.direction,
    bankCode: row.bank_code,
    accountRef: row.account_ref,
    amount: Money.ofMinor(BigInt(row.amount_minor), currency as Currency),
    forwardedAt: row.forwarded_at,
    forwards: row.forwards,
    answer: answerOf(row),
    answeredAt: row.answered_at,
  };
}

function answerOf(row: PartnerLegRow): LegAnswer | null {
  if (row.result_code === null) return null;
  if (row.result_code === '00' && row.rrn !== null) return { approved: true, rrn: row.rrn };
  return { approved: false, resultCode: row.result_code as ResultCode, reason: row.reason ?? 'declined' };
}
