import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ALL_RESULT_CODES, Currency, Money, PAYMENT_STATUSES, PaymentStatus, ResultCode, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import { MerchantOrder, MerchantRefundRecord, RefundAmount } from './merchant';
import { InTransaction } from './merchant.repository';
import {
  MerchantHistoryQuery,
  MerchantOrderRepository,
  MerchantPaymentEntry,
  OrderInsertOutcome,
  RefundClaimOutcome,
} from './merchant-order.repository';

interface OrderRow {
  id: string;
  merchant_id: string;
  reference: string;
  request_fingerprint: string;
  amount_minor: string;
  currency: string;
  note: string | null;
  expires_at: Date;
  payment_id: string | null;
  created_at: Date;
}

interface RefundRow {
  payment_id: string;
  merchant_id: string;
  order_id: string;
  reference: string;
  request_fingerprint: string;
  created_at: Date;
}

interface HistoryRow {
  id: string;
  kind: string;
  order_id: string;
  order_reference: string;
  refund_reference: string | null;
  amount_minor: string;
  currency: string;
  status: string;
  result_code: string | null;
  created_at: Date;
  updated_at: Date;
}

const ORDER_COLUMNS = 'id, merchant_id, reference, request_fingerprint, amount_minor::text AS amount_minor, currency, note, expires_at, payment_id, created_at';
const REFUND_COLUMNS = 'payment_id, merchant_id, order_id, reference, request_fingerprint, created_at';

/** Orders and refunds in PostgreSQL; their payments are rows of `payments` (kind `order` and `refund`). */
@Injectable()
export class TypeOrmMerchantOrderRepository extends MerchantOrderRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insertOrder(order: MerchantOrder): Promise<OrderInsertOutcome> {
    // ON CONFLICT DO NOTHING: a concurrent twin waits on the unique index until the first commits,
    // then reads its row (READ COMMITTED: the next statement sees it).
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO merchant_orders (id, merchant_id, reference, request_fingerprint, amount_minor, currency, note, expires_at, payment_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)
       ON CONFLICT (merchant_id, reference) DO NOTHING
       RETURNING id`,
      [order.id, order.merchantId, order.reference, order.requestFingerprint, order.amount.minorUnits.toString(), order.amount.currency, order.note, order.expiresAt, order.createdAt],
    );
    if (inserted.length === 1) return { inserted: true };
    const existing = await this.findOrderByReference(order.merchantId, order.reference);
    if (existing === null) throw new Error('an order reference conflicted but no order holds it');
    return { inserted: false, existing };
  }

  async findOrder(orderId: string, tx?: InTransaction): Promise<MerchantOrder | null> {
    const rows = await this.manager(tx).query<OrderRow[]>(`SELECT ${ORDER_COLUMNS} FROM merchant_orders WHERE id = $1`, [orderId]);
    return rows.length === 0 ? null : toOrder(rows[0]);
  }

  async findOrderByReference(merchantId: string, reference: string): Promise<MerchantOrder | null> {
    const rows = await this.dataSource.query<OrderRow[]>(`SELECT ${ORDER_COLUMNS} FROM merchant_orders WHERE merchant_id = $1 AND reference = $2`, [merchantId, reference]);
    return rows.length === 0 ? null : toOrder(rows[0]);
  }

  async lockOrder(tx: InTransaction, orderId: string): Promise<MerchantOrder | null> {
    const rows = await tx.manager.query<OrderRow[]>(`SELECT ${ORDER_COLUMNS} FROM merchant_orders WHERE id = $1 FOR UPDATE`, [orderId]);
    return rows.length === 0 ? null : toOrder(rows[0]);
  }

  async setOrderPayment(tx: InTransaction, orderId: string, paymentId: string): Promise<void> {
    await tx.manager.query(`UPDATE merchant_orders SET payment_id = $2 WHERE id = $1`, [orderId, paymentId]);
  }

  async refundAmounts(orderId: string, tx?: InTransaction): Promise<RefundAmount[]> {
    // Served by payments_order_idx.
    const rows = await this.manager(tx).query<Array<{ amount_minor: string; status: string }>>(
      `SELECT amount_minor::text AS amount_minor, status FROM payments WHERE order_id = $1 AND kind = 'refund'`,
      [orderId],
    );
    return rows.map((row) => ({ amountMinor: BigInt(row.amount_minor), status: asStatus(row.status) }));
  }

  async findRefundByReference(merchantId: string, reference: string, tx?: InTransaction): Promise<MerchantRefundRecord | null> {
    const rows = await this.manager(tx).query<RefundRow[]>(`SELECT ${REFUND_COLUMNS} FROM merchant_refunds WHERE merchant_id = $1 AND reference = $2`, [merchantId, reference]);
    return rows.length === 0 ? null : toRefund(rows[0]);
  }

  async findRefund(merchantId: string, paymentId: string): Promise<MerchantRefundRecord | null> {
    const rows = await this.dataSource.query<RefundRow[]>(`SELECT ${REFUND_COLUMNS} FROM merchant_refunds WHERE payment_id = $1 AND merchant_id = $2`, [paymentId, merchantId]);
    return rows.length === 0 ? null : toRefund(rows[0]);
  }

  async claimRefund(tx: InTransaction, refund: MerchantRefundRecord): Promise<RefundClaimOutcome> {
    const inserted = await tx.manager.query<unknown[]>(
      `INSERT INTO merchant_refunds (${REFUND_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (merchant_id, reference) DO NOTHING
       RETURNING payment_id`,
      [refund.paymentId, refund.merchantId, refund.orderId, refund.reference, refund.requestFingerprint, refund.createdAt],
    );
    if (inserted.length === 1) return { claimed: true };
    const existing = await this.findRefundByReference(refund.merchantId, refund.reference, tx);
    if (existing === null) throw new Error('a refund reference conflicted but no refund holds it');
    return { claimed: false, existing };
  }

  async listMerchantPayments(query: MerchantHistoryQuery): Promise<MerchantPaymentEntry[]> {
    const conditions = ['p.merchant_id = $1'];
    const parameters: unknown[] = [query.merchantId];
    const add = (condition: (placeholder: string) => string, value: unknown): void => {
      parameters.push(value);
      conditions.push(condition(`$${parameters.length}`));
    };
    if (query.before !== null) {
      parameters.push(query.before.createdAt, query.before.id);
      conditions.push(`(p.created_at, p.id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`);
    }
    if (query.statuses !== null) add((at) => `p.status = ANY(${at}::text[])`, [...query.statuses]);
    if (query.kind !== null) add((at) => `p.kind = ${at}`, query.kind);
    if (query.from !== null) add((at) => `p.created_at >= ${at}`, query.from);
    if (query.to !== null) add((at) => `p.created_at < ${at}`, query.to);
    parameters.push(query.limit);
    // Newest first on payments_merchant_history_idx (merchant_id, created_at DESC, id DESC).
    const rows = await this.dataSource.query<HistoryRow[]>(
      `SELECT p.id, p.kind, p.order_id, o.reference AS order_reference, r.reference AS refund_reference,
              p.amount_minor::text AS amount_minor, p.currency, p.status, p.result_code, p.created_at, p.updated_at
         FROM payments p
         JOIN merchant_orders o ON o.id = p.order_id
         LEFT JOIN merchant_refunds r ON r.payment_id = p.id
        WHERE ${conditions.join(' AND ')}
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map((row) => ({
      paymentId: row.id,
      kind: row.kind === 'refund' ? 'refund' : 'order',
      orderId: row.order_id,
      orderReference: row.order_reference,
      refundReference: row.refund_reference,
      amount: Money.ofMinor(BigInt(row.amount_minor), asCurrency(row.currency)),
      status: asStatus(row.status),
      resultCode: row.result_code === null ? null : asResultCode(row.result_code),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  private manager(tx?: InTransaction): EntityManager {
    return tx?.manager ?? this.dataSource.manager;
  }
}

function toOrder(row: OrderRow): MerchantOrder {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    reference: row.reference,
    requestFingerprint: row.request_fingerprint,
    amount: Money.ofMinor(BigInt(row.amount_minor), asCurrency(row.currency)),
    note: row.note,
    expiresAt: row.expires_at,
    paymentId: row.payment_id,
    createdAt: row.created_at,
  };
}

function toRefund(row: RefundRow): MerchantRefundRecord {
  return {
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    orderId: row.order_id,
    reference: row.reference,
    requestFingerprint: row.request_fingerprint,
    createdAt: row.created_at,
  };
}

// A stored value outside these sets was written by something else: a bug, so throw.
function asStatus(value: string): PaymentStatus {
  const found = PAYMENT_STATUSES.find((status) => status === value);
  if (!found) throw new Error(`payments.status holds an unknown status ${JSON.stringify(value)}`);
  return found;
}

function asResultCode(value: string): ResultCode {
  const found = ALL_RESULT_CODES.find((code) => code === value);
  if (!found) throw new Error(`payments.result_code holds an unknown code ${JSON.stringify(value)}`);
  return found;
}

function asCurrency(value: string): Currency {
  const found = SUPPORTED_CURRENCIES.find((currency) => currency === value.trim());
  if (!found) throw new Error(`an unsupported currency ${JSON.stringify(value)} is stored`);
  return found;
}
