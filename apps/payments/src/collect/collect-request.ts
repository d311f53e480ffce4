import { Money, RESULT_CODES, ResultCode } from '@kirim/contracts';

/**
 * The customer's answer to a collect request: none yet (`pending`), approved with the UPI PIN (a
 * payment was made for it), declined, or none before its expiry (`expired`, UPI U69). Only a pending
 * request changes, and only once.
 */
export type CollectRequestStatus = 'pending' | 'approved' | 'declined' | 'expired';
export const COLLECT_REQUEST_STATUSES: readonly CollectRequestStatus[] = ['pending', 'approved', 'declined', 'expired'];

/**
 * A merchant asking one customer to pay (docs/merchants.md, "Collect requests"). The customer is
 * known by user id only: the phone number or address the merchant named them by is not kept.
 */
export interface CollectRequest {
  readonly id: string;
  readonly merchantId: string;
  /** The merchant's own id for it, unique per merchant: a repeat with the same body is the same request. */
  readonly reference: string;
  /** sha256 of the canonical request without the customer (amount, note, expiry), to tell a repeat from a reuse. */
  readonly requestFingerprint: string;
  /** The customer asked to pay: the only user who may approve or decline it. */
  readonly payerUserId: string;
  readonly amount: Money;
  readonly note: string | null;
  readonly status: CollectRequestStatus;
  /** U69 once expired; null otherwise (an approved request's payment carries its own code). */
  readonly resultCode: ResultCode | null;
  readonly expiresAt: Date;
  /** The merchant order made when the customer approved: its payment is the request's payment. */
  readonly orderId: string | null;
  readonly paymentId: string | null;
  readonly createdAt: Date;
  /** When the customer answered, or when it expired. */
  readonly decidedAt: Date | null;
}

/**
 * The request as it is at `now`: a pending request past its expiry is expired (U69) even before the
 * expiry poller has written it, so nobody ever sees or acts on it as pending after its expiry.
 */
export function collectRequestAt(request: CollectRequest, now: Date): CollectRequest {
  if (request.status !== 'pending' || now.getTime() < request.expiresAt.getTime()) return request;
  return { ...request, status: 'expired', resultCode: RESULT_CODES.COLLECT_EXPIRED, decidedAt: request.expiresAt };
}

/**
 * The order a collect request is paid through, by a reference the merchant API cannot make (":" is
 * outside a merchant reference's characters): no order of the merchant's can stand in for it.
 */
export function collectOrderReference(collectRequestId: string): string {
  return `collect:${collectRequestId}`;
}
