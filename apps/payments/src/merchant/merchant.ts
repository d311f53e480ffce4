import { KIRIM_PSP_HANDLE, Money, PaymentStatus } from '@kirim/contracts';

/**
 * A merchant: a business account in the chat (docs/merchants.md). It is paid into its owner's bank
 * account, as identity resolves it for the owner's settlement address at each payment, and it calls
 * the merchant API with its own API keys.
 */
export interface Merchant {
  readonly id: string;
  /** The user who onboarded it; they manage its keys, and its payments reach their bank account. */
  readonly ownerUserId: string;
  readonly displayName: string;
  /** ISO 18245 merchant category code, listed in the scheme profile's merchant categories. */
  readonly categoryCode: string;
  /** Its address `handle@kirim` (the handle, lowercase). */
  readonly handle: string;
  /** The look-alike skeleton of the handle (unique, as identity's addresses are). */
  readonly handleSkeleton: string;
  /**
   * One of the owner's own kirim addresses: payments to the merchant go to the bank account identity
   * resolves for it, and only while identity still resolves it to the owner.
   */
  readonly settlementAddress: string;
  /** Verified by the acquirer's due diligence (NPCI's enhanced category caps apply only then); set by operators. */
  readonly verified: boolean;
  readonly createdAt: Date;
}

export function merchantAddress(merchant: Pick<Merchant, 'handle'>): string {
  return `${merchant.handle}@${KIRIM_PSP_HANDLE}`;
}

/** A merchant API key as stored: never the key, only the prefix it is found by and its SHA-256 digest. */
export interface MerchantApiKeyRecord {
  readonly id: string;
  readonly merchantId: string;
  readonly lookupPrefix: string;
  /** SHA-256 of the whole key, hex. */
  readonly digest: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** A merchant has at most this many active keys: the one in use and the one it rotates to. */
export const MAX_ACTIVE_MERCHANT_API_KEYS = 2;

/** A payment request a merchant made: the customer pays it in the chat with the UPI PIN. */
export interface MerchantOrder {
  readonly id: string;
  readonly merchantId: string;
  /** The merchant's own id for it, unique per merchant: a repeat with the same body is the same order. */
  readonly reference: string;
  /** sha256 of the canonical request (amount, note, expiry), to tell a repeat from a reuse. */
  readonly requestFingerprint: string;
  readonly amount: Money;
  readonly note: string | null;
  readonly expiresAt: Date;
  /** The latest payment made for it; a failed one leaves the order open for another attempt. */
  readonly paymentId: string | null;
  readonly createdAt: Date;
}

/** A refund's record beside its payment: the merchant's reference and the request it was made with. */
export interface MerchantRefundRecord {
  /** The refund's own payment. */
  readonly paymentId: string;
  readonly merchantId: string;
  readonly orderId: string;
  readonly reference: string;
  readonly requestFingerprint: string;
  readonly createdAt: Date;
}

export type MerchantOrderStatus = 'open' | 'paying' | 'paid' | 'partially_refunded' | 'refunded' | 'expired';
export const MERCHANT_ORDER_STATUSES: readonly MerchantOrderStatus[] = ['open', 'paying', 'paid', 'partially_refunded', 'refunded', 'expired'];

/** What an order's payment attempt means for the order. */
export type AttemptOutcome = 'paid' | 'in-progress' | 'failed';

/**
 * A payment attempt of an order: completed pays it; a payment still on its way holds it (no second
 * attempt meanwhile); a debit that failed, or a credit that failed and is reversed to the customer,
 * leaves the order open for another attempt.
 */
export function attemptOutcome(status: PaymentStatus): AttemptOutcome {
  switch (status) {
    case 'completed':
      return 'paid';
    case 'created':
    case 'debit_pending':
    case 'debited':
    case 'credit_pending':
      return 'in-progress';
    case 'debit_failed':
    case 'credit_failed':
    case 'reversal_pending':
    case 'reversal_failed':
    case 'reversed':
      return 'failed';
    default: {
      const unknown: never = status;
      throw new Error(`unknown payment status ${String(unknown)}`);
    }
  }
}

/**
 * Whether a refund's money may have left the merchant, so that it counts against what is left to
 * refund: every status but a debit that failed (nothing moved) and a reversed refund (the money is
 * back with the merchant).
 */
export function refundCounts(status: PaymentStatus): boolean {
  return status !== 'debit_failed' && status !== 'reversed';
}

/** A refund's amount and where its payment is. */
export interface RefundAmount {
  readonly amountMinor: bigint;
  readonly status: PaymentStatus;
}

export interface OrderState {
  readonly status: MerchantOrderStatus;
  /** What the customer paid: the amount once the payment completed, else 0. */
  readonly paidMinor: bigint;
  /** Refunds completed. */
  readonly refundedMinor: bigint;
  /** Refunds on their way (counted against the refundable amount already). */
  readonly refundingMinor: bigint;
  /** What may still be refunded: paid minus every refund that counts. */
  readonly refundableMinor: bigint;
}

/** The order's state from its payment attempt (null: none yet) and its refunds, at `now`. */
export function orderState(order: Pick<MerchantOrder, 'amount' | 'expiresAt'>, attempt: PaymentStatus | null, refunds: readonly RefundAmount[], now: Date): OrderState {
  const outcome = attempt === null ? null : attemptOutcome(attempt);
  if (outcome !== 'paid') {
    const status: MerchantOrderStatus = outcome === 'in-progress' ? 'paying' : now.getTime() >= order.expiresAt.getTime() ? 'expired' : 'open';
    return { status, paidMinor: 0n, refundedMinor: 0n, refundingMinor: 0n, refundableMinor: 0n };
  }
  const paidMinor = order.amount.minorUnits;
  let refundedMinor = 0n;
  let refundingMinor = 0n;
  for (const refund of refunds) {
    if (refund.status === 'completed') refundedMinor += refund.amountMinor;
    else if (refundCounts(refund.status)) refundingMinor += refund.amountMinor;
  }
  const status: MerchantOrderStatus = refundedMinor === 0n ? 'paid' : refundedMinor >= paidMinor ? 'refunded' : 'partially_refunded';
  return { status, paidMinor, refundedMinor, refundingMinor, refundableMinor: paidMinor - refundedMinor - refundingMinor };
}
