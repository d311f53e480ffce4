import { PaymentStatus } from '@kirim/contracts';
import { Payment } from '../payment';

/** Where a page of a user's history ends: the last payment shown, by (created_at, id). */
export interface PaymentHistoryPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** `sent`: the user paid; `received`: the user was paid. */
export type PaymentDirection = 'sent' | 'received';
export const PAYMENT_DIRECTIONS: readonly PaymentDirection[] = ['sent', 'received'];

export interface PaymentHistoryQuery {
  /** Whose history: payments where this user is the payer or the payee, never anyone else's. */
  readonly userId: string;
  /** Null: both. */
  readonly direction: PaymentDirection | null;
  /** Only payments between the user and this other user. */
  readonly counterpartyUserId: string | null;
  /** Null: any status. */
  readonly statuses: readonly PaymentStatus[] | null;
  /** Made at or after this instant. */
  readonly from: Date | null;
  /** Made before this instant. */
  readonly to: Date | null;
  /** Only payments after this position in newest-first order (older, or as old with a smaller id); null for the first page. */
  readonly before: PaymentHistoryPosition | null;
  readonly limit: number;
}

/**
 * A user's payments, newest first: the port ListMyPaymentsUseCase sees; the adapter is
 * TypeOrmPaymentHistoryRepository, unit tests use an in-memory fake.
 */
export abstract class PaymentHistoryRepository {
  /** Up to `limit` payments matching `query`, ordered by created_at then id, both descending. */
  abstract listForUser(query: PaymentHistoryQuery): Promise<Payment[]>;
}
