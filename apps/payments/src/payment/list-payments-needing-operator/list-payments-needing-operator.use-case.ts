import { Injectable } from '@nestjs/common';
import { OperatorListCursor, PaymentNeedingOperator, PaymentRepository } from '../payment.repository';

export const NEEDING_OPERATOR_DEFAULT_PAGE = 50;
export const NEEDING_OPERATOR_MAX_PAGE = 100;

export interface ListPaymentsNeedingOperatorQuery {
  /** 1 to 100; 50 when absent. */
  readonly limit?: number;
  /** `nextCursor` of the previous page; absent for the first. */
  readonly cursor?: string;
}

export type ListPaymentsNeedingOperatorOutcome =
  | { readonly ok: true; readonly items: readonly PaymentNeedingOperator[]; readonly nextCursor: string | null }
  | { readonly ok: false; readonly reason: 'invalid'; readonly detail: string };

/**
 * The payments an operator must act on, oldest first: a reversal whose automatic retries are used
 * up (`reversal_failed` with no timer: RetryReversal or ResolveReversalByOperator), a row the timer
 * poller set aside (`quarantine.reason` says why; `payment` is null when the row does not even read
 * as a payment), a credit confirmed after the profile had deemed it failed (for reconciliation).
 * Keyset-paginated on (created_at, id): a page is stable while other payments change, and the
 * cursor is opaque to callers.
 */
@Injectable()
export class ListPaymentsNeedingOperatorUseCase {
  constructor(private readonly payments: PaymentRepository) {}

  async execute(query: ListPaymentsNeedingOperatorQuery = {}): Promise<ListPaymentsNeedingOperatorOutcome> {
    const limit = query.limit ?? NEEDING_OPERATOR_DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > NEEDING_OPERATOR_MAX_PAGE) {
      return { ok: false, reason: 'invalid', detail: `limit must be an integer between 1 and ${NEEDING_OPERATOR_MAX_PAGE}` };
    }
    let after: OperatorListCursor | null = null;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor);
      if (after === null) return { ok: false, reason: 'invalid', detail: 'cursor is not one this list gave' };
    }
    // One more than asked tells whether there is a next page without a count.
    const rows = await this.payments.listNeedingOperator({ after, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { ok: true, items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.paymentId }) : null };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: OperatorListCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

function decodeCursor(cursor: string): OperatorListCursor | null {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || !UUID.test(id)) return null;
  const at = new Date(createdAt);
  return Number.isNaN(at.getTime()) ? null : { createdAt: at, id };
}
