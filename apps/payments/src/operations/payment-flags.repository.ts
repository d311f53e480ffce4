import type { InTransaction } from '@kirim/messaging';

export const PAYMENT_FLAG_REASONS = ['dead-lettered-answer'] as const;
export type PaymentFlagReason = (typeof PAYMENT_FLAG_REASONS)[number];

export interface PaymentFlag {
  readonly flagId: string;
  readonly paymentId: string;
  readonly reason: PaymentFlagReason;
  readonly deadLetterId: string | null;
  readonly detail: string;
  readonly flaggedAt: Date;
}

export interface NewDeadLetterFlag {
  readonly paymentId: string;
  readonly deadLetterId: string;
  readonly detail: string;
  readonly at: Date;
}

/** A payment with open flags, as far as its row can be read: the row may be missing or what failed. */
export interface FlaggedPayment {
  readonly paymentId: string;
  readonly firstFlaggedAt: Date;
  /** The stored status as text; null when payments has no row for it. */
  readonly status: string | null;
  readonly createdAt: Date | null;
  readonly flags: readonly PaymentFlag[];
}

export interface FlaggedPaymentsCursor {
  readonly firstFlaggedAt: Date;
  readonly paymentId: string;
}

/**
 * Flags on payments for an operator (port), kept in `payment_flags` beside the payment, never in
 * its row: TypeOrmPaymentFlags. Writes run in the caller's transaction (the consumer chunk's that
 * dead-letters the answer, the replay's that clears it).
 */
export abstract class PaymentFlags {
  /** Flags the payment a dead-lettered answer belongs to; once per dead letter. */
  abstract flagDeadLetteredAnswer(tx: InTransaction, flag: NewDeadLetterFlag): Promise<void>;
  /** Clears the flags a dead letter raised; how many were open. */
  abstract clearForDeadLetter(tx: InTransaction, deadLetterId: string, at: Date): Promise<number>;
  abstract openFlagsFor(paymentIds: readonly string[]): Promise<PaymentFlag[]>;
  /** Payments with open flags, the longest flagged first. */
  abstract flaggedPayments(query: { readonly after: FlaggedPaymentsCursor | null; readonly limit: number }): Promise<FlaggedPayment[]>;
}
