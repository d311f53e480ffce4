import { Money, PaymentStatus, ResultCode } from '@kirim/contracts';
import { MerchantOrder, MerchantRefundRecord, RefundAmount } from './merchant';
import type { InTransaction } from './merchant.repository';

export type OrderInsertOutcome = { readonly inserted: true } | { readonly inserted: false; readonly existing: MerchantOrder };
export type RefundClaimOutcome = { readonly claimed: true } | { readonly claimed: false; readonly existing: MerchantRefundRecord };

/** One row of a merchant's history: an order's payment or a refund, as the merchant sees it. */
export interface MerchantPaymentEntry {
  readonly paymentId: string;
  readonly kind: 'order' | 'refund';
  readonly orderId: string;
  readonly orderReference: string;
  /** A refund's reference; null for an order's payment. */
  readonly refundReference: string | null;
  readonly amount: Money;
  readonly status: PaymentStatus;
  readonly resultCode: ResultCode | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Keyset position in a history ordered newest first: strictly older than (createdAt, id). */
export interface MerchantHistoryCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface MerchantHistoryQuery {
  readonly merchantId: string;
  readonly before: MerchantHistoryCursor | null;
  readonly limit: number;
  readonly statuses: readonly PaymentStatus[] | null;
  readonly kind: 'order' | 'refund' | null;
  /** created_at >= from */
  readonly from: Date | null;
  /** created_at < to */
  readonly to: Date | null;
}

/** Storage of orders and refunds (port). Their payments live in `payments`, read through PaymentRepository. */
export abstract class MerchantOrderRepository {
  /** Inserts the order, or reports the order that holds its (merchant, reference); a concurrent twin waits and then sees it. */
  abstract insertOrder(order: MerchantOrder): Promise<OrderInsertOutcome>;
  abstract findOrder(orderId: string, tx?: InTransaction): Promise<MerchantOrder | null>;
  abstract findOrderByReference(merchantId: string, reference: string): Promise<MerchantOrder | null>;
  /** `SELECT ... FOR UPDATE`: payments and refunds of one order pass one at a time (the refund ceiling, one paying attempt). */
  abstract lockOrder(tx: InTransaction, orderId: string): Promise<MerchantOrder | null>;
  abstract setOrderPayment(tx: InTransaction, orderId: string, paymentId: string): Promise<void>;

  /** Every refund of the order with where its payment is; in `tx` after lockOrder, none can be added meanwhile. */
  abstract refundAmounts(orderId: string, tx?: InTransaction): Promise<RefundAmount[]>;
  abstract findRefundByReference(merchantId: string, reference: string, tx?: InTransaction): Promise<MerchantRefundRecord | null>;
  /** The refund of this merchant whose payment this is; null for another merchant's or none. */
  abstract findRefund(merchantId: string, paymentId: string): Promise<MerchantRefundRecord | null>;
  /** Inserts the refund's record, or reports the refund that holds its (merchant, reference). */
  abstract claimRefund(tx: InTransaction, refund: MerchantRefundRecord): Promise<RefundClaimOutcome>;

  /** A merchant's order payments and refunds, newest first, after the cursor. */
  abstract listMerchantPayments(query: MerchantHistoryQuery): Promise<MerchantPaymentEntry[]>;
}
