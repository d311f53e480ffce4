import { Injectable } from '@nestjs/common';
import { ListPaymentsNeedingOperatorUseCase } from '../../payment/list-payments-needing-operator/list-payments-needing-operator.use-case';
import type { Payment } from '../../payment/payment';
import { FlaggedPaymentsCursor, PaymentFlag, PaymentFlags } from '../payment-flags.repository';

/** Why an operator must look: the payment's own reasons (ListPaymentsNeedingOperatorUseCase) and its flags. */
export type NeedsOperatorReason = 'dead-lettered-answer' | 'reversal-retries-exhausted' | 'quarantined' | 'late-credit-after-deemed-failure';

export interface PaymentNeedingOperatorItem {
  readonly paymentId: string;
  /** As stored, as text; null when payments has no row for the id a flag names. */
  readonly status: string | null;
  readonly createdAt: Date | null;
  readonly reasons: readonly NeedsOperatorReason[];
  readonly quarantine: { readonly at: Date; readonly reason: string } | null;
  readonly flags: readonly PaymentFlag[];
  /** Null when the row cannot be read as a payment (the quarantine says why), or is not read here (a flagged one). */
  readonly payment: Payment | null;
}

export type ListNeedsOperatorOutcome =
  | { readonly ok: true; readonly items: readonly PaymentNeedingOperatorItem[]; readonly nextCursor: string | null }
  | { readonly ok: false; readonly detail: string };

/** Where a page continues: in the flagged payments, or in the payment's own list (its cursor; null for its start). */
type Position = { readonly part: 'flagged'; readonly after: FlaggedPaymentsCursor } | { readonly part: 'payments'; readonly cursor: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The payments an operator must act on, in two parts paged with one cursor: first those flagged
 * because a bank answer for them was dead-lettered (the longest flagged first; the list reads their
 * status and creation time only, so a row that cannot be read as a payment still shows), then the
 * payments' own list (reversal retries used up, quarantined rows, late credits), with any open flags
 * of theirs attached. A payment that is both flagged and on the payments' list shows in both parts.
 */
@Injectable()
export class ListNeedsOperator {
  constructor(
    private readonly flags: PaymentFlags,
    private readonly payments: ListPaymentsNeedingOperatorUseCase,
  ) {}

  async execute(query: { readonly limit: number; readonly cursor?: string }): Promise<ListNeedsOperatorOutcome> {
    const position = query.cursor === undefined ? null : decodePosition(query.cursor);
    if (query.cursor !== undefined && position === null) return { ok: false, detail: 'cursor is not one this list gave' };

    if (position === null || position.part === 'flagged') {
      const found = await this.flags.flaggedPayments({ after: position?.after ?? null, limit: query.limit + 1 });
      const page = found.slice(0, query.limit);
      const last = page.at(-1);
      const items = page.map(
        (flagged): PaymentNeedingOperatorItem => ({
          paymentId: flagged.paymentId,
          status: flagged.status,
          createdAt: flagged.createdAt,
          reasons: ['dead-lettered-answer'],
          quarantine: null,
          flags: flagged.flags,
          payment: null,
        }),
      );
      // The flagged part ends with a page of its own; the next starts the payments' list.
      const next: Position = found.length > query.limit && last ? { part: 'flagged', after: { firstFlaggedAt: last.firstFlaggedAt, paymentId: last.paymentId } } : { part: 'payments', cursor: null };
      return { ok: true, items, nextCursor: encodePosition(next) };
    }

    const listed = await this.payments.execute({ limit: query.limit, ...(position.cursor !== null ? { cursor: position.cursor } : {}) });
    if (!listed.ok) return { ok: false, detail: listed.detail };
    const flags = await this.flags.openFlagsFor(listed.items.map((item) => item.paymentId));
    const items = listed.items.map((item): PaymentNeedingOperatorItem => {
      const own = flags.filter((flag) => flag.paymentId === item.paymentId);
      return {
        paymentId: item.paymentId,
        status: item.status,
        createdAt: item.createdAt,
        reasons: own.length > 0 ? [...item.reasons, 'dead-lettered-answer'] : item.reasons,
        quarantine: item.quarantine,
        flags: own,
        payment: item.payment,
      };
    });
    return { ok: true, items, nextCursor: listed.nextCursor === null ? null : encodePosition({ part: 'payments', cursor: listed.nextCursor }) };
  }
}

function encodePosition(position: Position): string {
  const parts = position.part === 'flagged' ? ['f', position.after.firstFlaggedAt.toISOString(), position.after.paymentId] : ['p', position.cursor ?? ''];
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function decodePosition(cursor: string): Position | null {
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const [part, first, second] = parsed as unknown[];
  if (part === 'p' && parsed.length === 2 && typeof first === 'string') return { part: 'payments', cursor: first === '' ? null : first };
  if (part !== 'f' || parsed.length !== 3 || typeof first !== 'string' || typeof second !== 'string' || !UUID.test(second)) return null;
  const at = new Date(first);
  return Number.isNaN(at.getTime()) ? null : { part: 'flagged', after: { firstFlaggedAt: at, paymentId: second } };
}
