import { Injectable } from '@nestjs/common';
import { PaymentStatus } from '@kirim/contracts';
import { MerchantFailure, merchantFailure } from '../merchant-problems';
import { MerchantHistoryCursor, MerchantOrderRepository, MerchantPaymentEntry } from '../merchant-order.repository';

export interface ListMerchantPaymentsQuery {
  readonly merchantId: string;
  /** The `nextCursor` of the previous page; absent on the first. */
  readonly cursor: string | null;
  readonly limit: number;
  readonly statuses: readonly PaymentStatus[] | null;
  readonly kind: 'order' | 'refund' | null;
  readonly from: Date | null;
  readonly to: Date | null;
}

export interface MerchantPaymentsPage {
  readonly ok: true;
  readonly items: MerchantPaymentEntry[];
  /** Where the next page starts; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * A merchant's payments and refunds, newest first, a page at a time. Keyset pagination on
 * (created_at, id): a page never repeats or skips a row because newer ones arrived meanwhile, and
 * each page is one index range scan (payments_merchant_history_idx), however deep.
 */
@Injectable()
export class ListMerchantPaymentsUseCase {
  constructor(private readonly orders: MerchantOrderRepository) {}

  async execute(query: ListMerchantPaymentsQuery): Promise<MerchantPaymentsPage | MerchantFailure> {
    const before = query.cursor === null ? null : decodeHistoryCursor(query.cursor);
    if (before === undefined) return merchantFailure('invalid-request', 'cursor must be the nextCursor of a previous page.');
    if (query.from !== null && query.to !== null && query.from.getTime() >= query.to.getTime()) return merchantFailure('invalid-request', 'from must be before to.');
    // One row more than asked tells whether another page follows, without a count.
    const rows = await this.orders.listMerchantPayments({ ...query, before, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { ok: true, items, nextCursor: rows.length > query.limit && last ? encodeHistoryCursor({ createdAt: last.createdAt, id: last.paymentId }) : null };
  }
}

/** Opaque to clients: base64url of `<created_at ISO>|<payment id>`. */
export function encodeHistoryCursor(cursor: MerchantHistoryCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor, or undefined when it is not one this service made. */
export function decodeHistoryCursor(value: string): MerchantHistoryCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(value)) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const createdAt = new Date(match[1]);
  return Number.isNaN(createdAt.getTime()) ? undefined : { createdAt, id: match[2] };
}
