import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PAYMENT_STATUSES, PaymentStatus } from '@kirim/contracts';
import { Payment } from '../payment';
import { PAYMENT_DIRECTIONS, PaymentDirection, PaymentHistoryPosition, PaymentHistoryRepository } from './payment-history.repository';

export const MY_PAYMENTS_DEFAULT_PAGE = 20;
export const MY_PAYMENTS_MAX_PAGE = 100;
/** The widest from..to window: a year, a leap one included (a statement year); wider is an export's job, not a screen's. */
export const MY_PAYMENTS_MAX_RANGE_DAYS = 366;

const DAY_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ListMyPaymentsQuery {
  /** The authenticated user: the only one whose payments are listed. */
  readonly userId: string;
  /** 1 to 100; 20 when absent. */
  readonly limit?: number;
  /** `nextCursor` of the previous page, given with the same filters; absent for the first page. */
  readonly cursor?: string;
  /** Any of these statuses; absent: every status. */
  readonly statuses?: readonly string[];
  /** Made at or after this instant. */
  readonly from?: Date;
  /** Made before this instant. */
  readonly to?: Date;
  /** Only payments between the user and this other user (their user id). */
  readonly counterpartyUserId?: string;
  /** `sent` or `received`; absent: both. */
  readonly direction?: string;
}

export interface MyPaymentItem {
  readonly payment: Payment;
  readonly direction: PaymentDirection;
}

export type ListMyPaymentsOutcome =
  | { readonly ok: true; readonly items: readonly MyPaymentItem[]; readonly nextCursor: string | null }
  | { readonly ok: false; readonly reason: 'invalid'; readonly errors: readonly string[] };

/** The filters once checked: what the repository is asked and what a cursor is bound to. */
interface HistoryFilters {
  readonly userId: string;
  readonly direction: PaymentDirection | null;
  readonly counterpartyUserId: string | null;
  readonly statuses: readonly PaymentStatus[] | null;
  readonly from: Date | null;
  readonly to: Date | null;
}

/**
 * A user's payments, sent and received, newest first, a page at a time. Keyset pagination on
 * (created_at, id): a page does not repeat or skip a payment when newer ones arrive meanwhile, or
 * when several share a created_at, and costs the same however deep it is.
 *
 * The cursor is opaque to clients and bound to the query it was made for (the user and the
 * filters): one given with other filters, or by another user, is refused rather than silently
 * answered with a page of a different list. It is not signed: it names only a position, and the
 * user whose payments are read comes from the token, so an edited cursor can reach nothing the
 * caller could not list anyway.
 */
@Injectable()
export class ListMyPaymentsUseCase {
  constructor(private readonly history: PaymentHistoryRepository) {}

  async execute(query: ListMyPaymentsQuery): Promise<ListMyPaymentsOutcome> {
    const errors: string[] = [];
    const limit = query.limit ?? MY_PAYMENTS_DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MY_PAYMENTS_MAX_PAGE) errors.push(`limit must be a whole number from 1 to ${MY_PAYMENTS_MAX_PAGE}`);
    const filters = checkFilters(query, errors);
    let before: PaymentHistoryPosition | null = null;
    if (query.cursor !== undefined && filters !== null) {
      before = decodeHistoryCursor(query.cursor, filtersFingerprint(filters));
      if (before === null) errors.push('cursor must be the nextCursor of a previous page of this list, with the same filters');
    }
    if (errors.length > 0 || filters === null) return { ok: false, reason: 'invalid', errors };

    // One more than asked tells whether there is a next page, without counting.
    const rows = await this.history.listForUser({ ...filters, before, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const items = page.map((payment) => ({ payment, direction: directionFor(payment, query.userId) }));
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? encodeHistoryCursor({ createdAt: last.createdAt, id: last.id }, filtersFingerprint(filters)) : null;
    return { ok: true, items, nextCursor };
  }
}

function checkFilters(query: ListMyPaymentsQuery, errors: string[]): HistoryFilters | null {
  const before = errors.length;
  let statuses: PaymentStatus[] | null = null;
  if (query.statuses !== undefined) {
    const unknown = query.statuses.filter((status) => !PAYMENT_STATUSES.some((known) => known === status));
    if (query.statuses.length === 0 || unknown.length > 0) errors.push(`status must be payment statuses separated by commas: ${PAYMENT_STATUSES.join(', ')}`);
    // Sorted and unique, so the same set is the same query (and the same cursor binding) in any order.
    else statuses = PAYMENT_STATUSES.filter((status) => query.statuses?.includes(status));
  }
  const direction = query.direction === undefined ? null : (PAYMENT_DIRECTIONS.find((known) => known === query.direction) ?? null);
  if (query.direction !== undefined && direction === null) errors.push('direction must be sent or received');
  const counterparty = query.counterpartyUserId?.toLowerCase() ?? null;
  if (counterparty !== null && !UUID.test(counterparty)) errors.push('counterparty must be a user id (a UUID)');
  const from = query.from ?? null;
  const to = query.to ?? null;
  if (from !== null && Number.isNaN(from.getTime())) errors.push('from must be an ISO 8601 date-time with a time zone');
  if (to !== null && Number.isNaN(to.getTime())) errors.push('to must be an ISO 8601 date-time with a time zone');
  if (from !== null && to !== null && !Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime())) {
    if (from.getTime() >= to.getTime()) errors.push('from must be before to');
    else if (to.getTime() - from.getTime() > MY_PAYMENTS_MAX_RANGE_DAYS * DAY_MS) errors.push(`from and to must be at most ${MY_PAYMENTS_MAX_RANGE_DAYS} days apart`);
  }
  if (errors.length > before) return null;
  return { userId: query.userId, direction, counterpartyUserId: counterparty, statuses, from, to };
}

function directionFor(payment: Payment, userId: string): PaymentDirection {
  if (payment.payerUserId === userId) return 'sent';
  if (payment.payeeUserId === userId) return 'received';
  // The repository is asked for this user's payments only; anything else is a bug, never shown.
  throw new Error(`payment history for one user returned payment ${payment.id} of others`);
}

/** What a cursor is bound to: the user and the filters, hashed (the cursor carries no user id). */
function filtersFingerprint(filters: HistoryFilters): string {
  const canonical = JSON.stringify([
    filters.userId,
    filters.direction,
    filters.counterpartyUserId,
    filters.statuses,
    filters.from?.toISOString() ?? null,
    filters.to?.toISOString() ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,200}$/;
const CURSOR_PAYLOAD = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\|([A-Za-z0-9_-]{16})$/;

/**
 * base64url of `<created_at>|<payment id>|<fingerprint of the query>`. created_at is written from
 * the Clock (a JavaScript Date), so milliseconds carry the stored value exactly.
 */
export function encodeHistoryCursor(position: PaymentHistoryPosition, fingerprint: string): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}|${fingerprint}`, 'utf8').toString('base64url');
}

/** The position, or null when `cursor` is not one made for a query with this fingerprint. */
export function decodeHistoryCursor(cursor: string, fingerprint: string): PaymentHistoryPosition | null {
  if (!CURSOR_TEXT.test(cursor)) return null;
  const match = CURSOR_PAYLOAD.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || match[3] !== fingerprint) return null;
  const createdAt = new Date(match[1]);
  // Date rolls 2026-02-30 over into March: only a date that prints back as written is one we made.
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== match[1]) return null;
  return { createdAt, id: match[2] };
}
