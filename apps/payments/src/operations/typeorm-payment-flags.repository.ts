import { Injectable } from '@nestjs/common';
import type { InTransaction } from '@kirim/messaging';
import { DataSource } from 'typeorm';
import { FlaggedPayment, FlaggedPaymentsCursor, NewDeadLetterFlag, PaymentFlag, PaymentFlagReason, PaymentFlags } from './payment-flags.repository';

interface FlagRow {
  id: string;
  payment_id: string;
  reason: PaymentFlagReason;
  dead_letter_id: string | null;
  detail: string;
  flagged_at: Date;
}

interface FlaggedRow {
  payment_id: string;
  first_flagged_at: Date;
  status: string | null;
  created_at: Date | null;
}

const FLAG_COLUMNS = 'id::text AS id, payment_id, reason, dead_letter_id, detail, flagged_at';
const MAX_DETAIL = 300;

/**
 * The writes take only the transaction's manager, so the messaging layer's dead-letter hooks can
 * use this without a DataSource; the reads need one (operator listings, outside any transaction).
 */
@Injectable()
export class TypeOrmPaymentFlags extends PaymentFlags {
  constructor(private readonly dataSource: DataSource | null = null) {
    super();
  }

  async flagDeadLetteredAnswer(tx: InTransaction, flag: NewDeadLetterFlag): Promise<void> {
    await tx.manager.query(
      `INSERT INTO payment_flags (payment_id, reason, dead_letter_id, detail, flagged_at) VALUES ($1, 'dead-lettered-answer', $2, $3, $4)
       ON CONFLICT (dead_letter_id) DO NOTHING`,
      [flag.paymentId, flag.deadLetterId, flag.detail.slice(0, MAX_DETAIL), flag.at],
    );
  }

  async clearForDeadLetter(tx: InTransaction, deadLetterId: string, at: Date): Promise<number> {
    const rows = await tx.manager.query<{ id: string }[]>(
      `WITH cleared AS (UPDATE payment_flags SET cleared_at = $2 WHERE dead_letter_id = $1 AND cleared_at IS NULL RETURNING id) SELECT id::text AS id FROM cleared`,
      [deadLetterId, at],
    );
    return rows.length;
  }

  async openFlagsFor(paymentIds: readonly string[]): Promise<PaymentFlag[]> {
    if (paymentIds.length === 0) return [];
    const rows = await this.reader().query<FlagRow[]>(
      `SELECT ${FLAG_COLUMNS} FROM payment_flags WHERE payment_id = ANY($1::uuid[]) AND cleared_at IS NULL ORDER BY flagged_at, id`,
      [[...paymentIds]],
    );
    return rows.map(toFlag);
  }

  async flaggedPayments(query: { readonly after: FlaggedPaymentsCursor | null; readonly limit: number }): Promise<FlaggedPayment[]> {
    // status and created_at only, read as text and time: a row the payment code cannot read still shows.
    const rows = await this.reader().query<FlaggedRow[]>(
      `WITH flagged AS (
         SELECT payment_id, min(flagged_at) AS first_flagged_at FROM payment_flags WHERE cleared_at IS NULL GROUP BY payment_id
       )
       SELECT f.payment_id, f.first_flagged_at, p.status::text AS status, p.created_at
         FROM flagged f LEFT JOIN payments p ON p.id = f.payment_id
        WHERE $1::timestamptz IS NULL OR (f.first_flagged_at, f.payment_id) > ($1::timestamptz, $2::uuid)
        ORDER BY f.first_flagged_at, f.payment_id
        LIMIT $3`,
      [query.after?.firstFlaggedAt ?? null, query.after?.paymentId ?? null, query.limit],
    );
    const flags = await this.openFlagsFor(rows.map((row) => row.payment_id));
    return rows.map((row) => ({
      paymentId: row.payment_id,
      firstFlaggedAt: new Date(row.first_flagged_at),
      status: row.status,
      createdAt: row.created_at === null ? null : new Date(row.created_at),
      flags: flags.filter((flag) => flag.paymentId === row.payment_id),
    }));
  }

  private reader(): DataSource {
    if (!this.dataSource) throw new Error('TypeOrmPaymentFlags was made without a DataSource: it can only write in a given transaction');
    return this.dataSource;
  }
}

function toFlag(row: FlagRow): PaymentFlag {
  return { flagId: row.id, paymentId: row.payment_id, reason: row.reason, deadLetterId: row.dead_letter_id, detail: row.detail, flaggedAt: new Date(row.flagged_at) };
}
