import { Injectable } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { decodeHistoryCursor, encodeHistoryCursor } from '../../merchant/list-merchant-payments/list-merchant-payments.use-case';
import { Merchant } from '../../merchant/merchant';
import { MerchantRepository } from '../../merchant/merchant.repository';
import { MerchantCollectRequest, PersonCollectRequest } from '../collect-request';
import { CollectFailure, collectFailure } from '../collect-problems';
import { CollectRequestRepository } from '../collect-request.repository';

export interface ListPendingCollectRequestsQuery {
  readonly payerUserId: string;
  /** The `nextCursor` of the previous page; null on the first. */
  readonly cursor: string | null;
  readonly limit: number;
}

/**
 * A pending request as the customer is shown it: with the merchant asking, or, between people, with
 * the requester's pay-to address (on the request) as who asks.
 */
export type PendingCollectRequest = { readonly request: MerchantCollectRequest; readonly merchant: Merchant } | { readonly request: PersonCollectRequest; readonly merchant: null };

export interface PendingCollectRequestsPage {
  readonly ok: true;
  readonly items: PendingCollectRequest[];
  /** Where the next page starts (opaque, as the merchant history's); null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * The customer's collect requests still waiting for an answer, merchants' and people's alike, newest
 * first: those past their expiry are left out at once, whether or not the expiry poller has marked
 * them yet.
 */
@Injectable()
export class ListPendingCollectRequestsUseCase {
  constructor(
    private readonly requests: CollectRequestRepository,
    private readonly merchants: MerchantRepository,
    private readonly clock: Clock,
  ) {}

  async execute(query: ListPendingCollectRequestsQuery): Promise<PendingCollectRequestsPage | CollectFailure> {
    const before = query.cursor === null ? null : decodeHistoryCursor(query.cursor);
    if (before === undefined) return collectFailure('invalid-request', 'cursor must be the nextCursor of a previous page.');
    // One more than asked for: whether there is a next page, without a count.
    const rows = await this.requests.listPending({ payerUserId: query.payerUserId, now: this.clock.now(), before, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const merchantIds = [...new Set(page.flatMap((request) => (request.merchantId !== null ? [request.merchantId] : [])))];
    const merchants = new Map<string, Merchant>();
    for (const merchant of await Promise.all(merchantIds.map((id) => this.merchants.findById(id)))) {
      if (merchant !== null) merchants.set(merchant.id, merchant);
    }
    const items = page.map((request): PendingCollectRequest => {
      if (request.merchantId === null) return { request, merchant: null };
      const merchant = merchants.get(request.merchantId);
      // collect_requests.merchant_id references merchants: a missing one is a bug.
      if (merchant === undefined) throw new Error(`collect request ${request.id} names a merchant that does not exist`);
      return { request, merchant };
    });
    const last = page[page.length - 1];
    return { ok: true, items, nextCursor: rows.length > query.limit && last !== undefined ? encodeHistoryCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }
}
